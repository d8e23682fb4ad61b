"""One small file per language: a written function `total` and a stub `later` (tests and reliability runs)."""

SOURCES = {
    "python": ('m.py', 'class Box:\n    def total(self, xs):\n        s = 0\n        for x in xs:\n            s += x\n        return s\n\n'
                       '    def later(self):\n        """Not yet."""\n        raise NotImplementedError\n'),
    "javascript": ("m.js", "class Box {\n  total(xs) {\n    let s = 0;\n    for (const x of xs) s += x;\n    return s;\n  }\n\n"
                           "  later() {\n    throw new Error('not implemented');\n  }\n}\n"),
    "typescript": ("m.ts", "function total(xs: number[]): number {\n  let s = 0;\n  for (const x of xs) s += x;\n  return s;\n}\n\n"
                           "function later(): void {}\n"),
    "tsx": ("m.tsx", "function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n\n"
                     "const later = (): JSX.Element => {\n};\n"),
    "rust": ("m.rs", "impl Box {\n    fn total(xs: &[i32]) -> i32 {\n        xs.iter().sum()\n    }\n\n    fn later(&self) {\n        todo!()\n    }\n}\n"),
    "go": ("m.go", "package m\n\nfunc total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n\n"
                   "func later() {\n\tpanic(\"not implemented\")\n}\n"),
    "java": ("M.java", "class Box {\n    int total(int[] xs) {\n        int s = 0;\n        for (int x : xs) s += x;\n        return s;\n    }\n\n"
                       "    void later() {\n        throw new UnsupportedOperationException();\n    }\n}\n"),
    "c": ("m.c", "int total(int *xs, int n) {\n    int s = 0;\n    for (int i = 0; i < n; i++) s += xs[i];\n    return s;\n}\n\n"
                 "int later(void) {\n    return 0;\n}\n"),
    "cpp": ("m.cpp", "namespace box {\nint total(const std::vector<int>& xs) {\n    int s = 0;\n    for (int x : xs) s += x;\n    return s;\n}\n\n"
                     "void later() {}\n}\n"),
}
