print("credence")
