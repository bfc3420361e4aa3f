//! Keeps the lesson's own `bank::BankAccount`s and lets `BankAccount::transfer` do the locking.

use crate::bank::BankAccount;

/// Exercise 2: the lesson's accounts.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<BankAccount>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: Vec<u64>) -> Self {
        Bank {
            accounts: balances.into_iter().map(BankAccount::new).collect(),
        }
    }

    /// Moves `amount` from `from` to `to` and writes the receipt.
    pub fn transfer_with_receipt(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        receipt: impl FnOnce(u64, u64),
    ) -> bool {
        let (src, dst) = (&self.accounts[from], &self.accounts[to]);
        if BankAccount::transfer(src, dst, amount).is_err() {
            return false;
        }
        receipt(src.balance(), dst.balance());
        true
    }

    /// Account `i`'s balance.
    pub fn balance(&self, i: usize) -> u64 {
        self.accounts[i].balance()
    }

    /// The sum of all balances.
    pub fn total(&self) -> u64 {
        self.accounts.iter().map(BankAccount::balance).sum()
    }
}
