//! Keeps every balance behind one lock for the whole bank: no deadlock, but every transfer waits for every other.

/// Exercise 2: one lock for everything.
#[derive(Debug)]
pub struct Bank {
    accounts: Mutex<Vec<u64>>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: Vec<u64>) -> Self {
        Bank {
            accounts: Mutex::new(balances),
        }
    }

    /// Moves `amount` from `from` to `to` and writes the receipt, under the bank's one lock.
    pub fn transfer_with_receipt(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        receipt: impl FnOnce(u64, u64),
    ) -> bool {
        let mut accounts = lock(&self.accounts);
        if from == to || accounts[from] < amount {
            return false;
        }
        accounts[from] -= amount;
        accounts[to] += amount;
        receipt(accounts[from], accounts[to]);
        true
    }

    /// Account `i`'s balance.
    pub fn balance(&self, i: usize) -> u64 {
        lock(&self.accounts)[i]
    }

    /// The sum of all balances.
    pub fn total(&self) -> u64 {
        lock(&self.accounts).iter().sum()
    }
}
