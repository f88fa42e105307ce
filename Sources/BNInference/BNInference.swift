// BNInference: see README.md in this folder.
