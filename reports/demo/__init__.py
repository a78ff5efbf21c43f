"""The reply-scale demo data set of `seed_demo` (DESIGN §6): synthetic, deterministic for a seed, every
name marked 【演示】 and every row `is_demo`, its statistics equal to the reply's figures at scale 1.

- `plan`: the reply's figures the data must reproduce, and how scale N multiplies them.
- `base`: the random source, batched writing, the one change record per bulk load.
- one module per app, run in order by `seed`.
"""
