//! `n ** 1000` on big integers, checked against a computation that shares nothing with
//! num-bigint: the power modulo a prime, by square-and-multiply on `u128`.

use std::time::Duration;

use num_bigint::BigUint;
use pools::ThreadPool;
use pools::big_integers::{EXPONENT, demo, on_pool, serial, worker};
use testkit::deadline;

/// A prime below 2⁶¹, so that products of two residues fit in a `u128`.
const PRIME: u64 = 2_305_843_009_213_693_951; // 2⁶¹ − 1

fn power_mod(base: u64, mut exponent: u32, modulus: u64) -> u64 {
    let (mut result, mut base, modulus) = (
        1u128,
        u128::from(base) % u128::from(modulus),
        u128::from(modulus),
    );
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * base % modulus;
        }
        base = base * base % modulus;
        exponent >>= 1;
    }
    result as u64
}

#[test]
fn every_power_agrees_with_modular_arithmetic() {
    for n in (0..2000).chain([99_999, u64::from(u32::MAX)]) {
        let power = worker(n);
        assert_eq!(
            power.clone() % PRIME,
            BigUint::from(power_mod(n, EXPONENT, PRIME)),
            "{n}"
        );
        // n has b bits: 2^(b-1) <= n < 2^b, so n^1000 has between 1000(b-1)+1 and 1000b bits.
        let bits = u64::from(64 - n.leading_zeros());
        if n > 1 {
            assert!(
                (1000 * (bits - 1) + 1..=1000 * bits).contains(&power.bits()),
                "{n}"
            );
        }
    }
    assert_eq!(
        worker(10).to_string().len(),
        1001,
        "10^1000 has 1001 digits"
    );
}

#[test]
fn the_pool_computes_the_serial_powers_in_order() {
    deadline(Duration::from_secs(60), || {
        let pool = ThreadPool::new(5).unwrap();
        assert_eq!(on_pool(&pool, 300), serial(300));
        let report = demo(300, 3).unwrap();
        assert!(report.same);
        assert_eq!(
            report.total_bits,
            serial(300).iter().map(BigUint::bits).sum::<u64>()
        );
    });
}
