//! Recomputes the mask every step as "not outside" instead of keeping it sticky: a lane whose `z` overflowed to NaN compares as not outside and counts again.

impl Lanes {
    /// One step on every lane (wrong: the mask forgets the lane's escape).
    fn step(&mut self, cx: &[f64; LANES], cy: f64) {
        for (l, &cx) in cx.iter().enumerate() {
            let (zx, zy) = (self.zx[l], self.zy[l]);
            let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
            self.active[l] = !(xx + yy > 4.0);
            self.count[l] += u32::from(self.active[l]);
            self.zx[l] = (xx - yy) + cx;
            self.zy[l] = (xy + xy) + cy;
        }
    }
}
