"""A small inventory with JSON persistence."""

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Item:
    name: str
    price: float
    tags: list[str] = field(default_factory=list)


class Inventory:
    def __init__(self, path: Path):
        self.path = path
        self.items: dict[str, Item] = {}
        self.counts: dict[str, int] = {}

    def add(self, item: Item, count: int = 1) -> None:
        self.items[item.name] = item
        self.counts[item.name] = self.counts.get(item.name, 0) + count

    def total_value(self) -> float:
        return sum(self.items[name].price * n for name, n in self.counts.items())

    def tagged(self, tag: str) -> list[Item]:
        return sorted((i for i in self.items.values() if tag in i.tags), key=lambda i: i.name)

    def save(self) -> None:
        data = {name: {"price": i.price, "tags": i.tags, "count": self.counts[name]} for name, i in self.items.items()}
        with open(self.path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)

    def load(self) -> None:
        with open(self.path, encoding="utf-8") as handle:
            data = json.load(handle)
        for name, row in data.items():
            self.add(Item(name, row["price"], row["tags"]), row["count"])
