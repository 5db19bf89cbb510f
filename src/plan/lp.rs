//! The maximal-coverage model of an instance in the CPLEX LP format, so
//! that any MILP solver (HiGHS, CBC, SCIP, Gurobi) can solve it, or its LP
//! relaxation, beside maillage:
//!
//! ```text
//! maximize  Σᵢ wᵢ yᵢ
//! subject to  yᵢ − Σ_{j ∋ i} xⱼ ≤ 0   (unit i is reached only by a chosen site)
//!             Σⱼ xⱼ = k
//!             0 ≤ yᵢ ≤ 1, xⱼ binary
//! ```
//!
//! Units are `y<i>` and candidates `x<j>`, numbered as in the instance
//! (presolved candidate `j` is original candidate `original[j]`).

use std::io::Write;

use super::presolve::Instance;

/// Writes the model of choosing `k` candidates of `inst` in LP format.
pub fn write_lp(inst: &Instance, k: usize, out: &mut impl Write) -> std::io::Result<()> {
    const PER_LINE: usize = 8;
    writeln!(
        out,
        "\\ maillage maximal coverage: {} units, {} candidates, k = {k}",
        inst.units(),
        inst.candidates()
    )?;
    writeln!(out, "Maximize")?;
    write!(out, " reached:")?;
    for u in 0..inst.units() {
        if u % PER_LINE == 0 {
            writeln!(out)?;
        }
        write!(out, " + {} y{u}", inst.w(u))?;
    }
    writeln!(out)?;
    writeln!(out, "Subject To")?;
    for u in 0..inst.units() {
        write!(out, " r{u}: y{u}")?;
        for (n, &c) in inst.reachers(u).iter().enumerate() {
            if n % PER_LINE == PER_LINE - 1 {
                writeln!(out)?;
            }
            write!(out, " - x{c}")?;
        }
        writeln!(out, " <= 0")?;
    }
    write!(out, " sites:")?;
    for c in 0..inst.candidates() {
        if c % PER_LINE == 0 {
            writeln!(out)?;
        }
        write!(out, " + x{c}")?;
    }
    writeln!(out, " = {k}")?;
    writeln!(out, "Bounds")?;
    for u in 0..inst.units() {
        writeln!(out, " 0 <= y{u} <= 1")?;
    }
    writeln!(out, "Binary")?;
    for c in 0..inst.candidates() {
        writeln!(out, " x{c}")?;
    }
    writeln!(out, "End")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_model_reads_as_written() {
        // Units of weights 2 and 3; candidate 0 reaches unit 0, candidate 1
        // both; k = 1.
        let inst = Instance::from_sets(vec![2.0, 3.0], &[vec![0], vec![0, 1]]);
        let mut text = Vec::new();
        write_lp(&inst, 1, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(
            text,
            "\\ maillage maximal coverage: 2 units, 2 candidates, k = 1\n\
             Maximize\n reached:\n + 2 y0 + 3 y1\n\
             Subject To\n r0: y0 - x0 - x1 <= 0\n r1: y1 - x1 <= 0\n sites:\n + x0 + x1 = 1\n\
             Bounds\n 0 <= y0 <= 1\n 0 <= y1 <= 1\n\
             Binary\n x0\n x1\n\
             End\n"
        );
    }
}
