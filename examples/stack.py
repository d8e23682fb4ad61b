"""A small stack, with one method left to implement."""


class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)

    def pop(self):
        """Remove and return the top item; raise IndexError when empty."""
        raise NotImplementedError

    def __len__(self):
        return len(self.items)


def mean(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)
