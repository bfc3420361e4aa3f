//! Sums the balances one lock at a time: a transfer between an account already counted and one not yet counted is counted half.

impl Bank {
    /// The sum of all balances.
    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|i| self.balance(i)).sum()
    }
}
