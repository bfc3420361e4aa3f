//! Counts every lane on every step the group runs: without an escape mask, escaped lanes go on counting until the slowest lane is done.

impl Lanes {
    /// One step on every lane (wrong: every lane counts while any is inside).
    fn step(&mut self, cx: &[f64; LANES], cy: f64) {
        let mut any_inside = false;
        for (l, &cx) in cx.iter().enumerate() {
            let (zx, zy) = (self.zx[l], self.zy[l]);
            let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
            any_inside |= xx + yy <= 4.0;
            self.zx[l] = (xx - yy) + cx;
            self.zy[l] = (xy + xy) + cy;
        }
        self.active = [any_inside; LANES];
        self.count = self.count.map(|c| c + u32::from(any_inside));
    }
}
