// BNFormats: see README.md in this folder.
