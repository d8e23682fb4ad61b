def clamp(value, low, high):
    if value < low:
        <|fill|>
    if value > high:
        <|fill|>
    return value
