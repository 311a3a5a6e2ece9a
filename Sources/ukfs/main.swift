print("ukfs")
