print("brain-bench")
