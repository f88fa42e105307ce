// BNLearning: see README.md in this folder.
