import BNFormats
