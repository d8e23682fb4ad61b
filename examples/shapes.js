class Rectangle {
  constructor(width, height) {
    this.width = width;
    this.height = height;
  }

  area() {
    throw new Error("not implemented");
  }
}

function perimeter(rect) {
  return 2 * (rect.width + rect.height);
}
