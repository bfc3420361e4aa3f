//! Locks `from`, then `to`: a transfer a→b and one b→a at the same moment each hold one lock and wait for the other forever.

impl Bank {
    /// Moves `amount` from `from` to `to` and writes the receipt.
    pub fn transfer_with_receipt(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        receipt: impl FnOnce(u64, u64),
    ) -> bool {
        if from == to {
            return false;
        }
        let mut src = lock(&self.accounts[from]);
        let mut dst = lock(&self.accounts[to]);
        if *src < amount {
            return false;
        }
        *src -= amount;
        *dst += amount;
        receipt(*src, *dst);
        true
    }
}
