pub fn sum(values: &[i64]) -> i64 {
    let mut total = 0;
    for v in values {
        total += v;
    }
    total
}

pub fn max(values: &[i64]) -> Option<i64> {
    todo!()
}
