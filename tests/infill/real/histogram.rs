use std::collections::HashMap;

/// Counts words and reports the most frequent ones.
pub struct Histogram {
    counts: HashMap<String, usize>,
}

impl Histogram {
    pub fn new() -> Self {
        Histogram { counts: HashMap::new() }
    }

    pub fn add_text(&mut self, text: &str) {
        for word in text.split_whitespace() {
            let key = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            if !key.is_empty() {
                *self.counts.entry(key).or_insert(0) += 1;
            }
        }
    }

    pub fn top(&self, n: usize) -> Vec<(&String, &usize)> {
        let mut pairs: Vec<_> = self.counts.iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        pairs.into_iter().take(n).collect()
    }
}
