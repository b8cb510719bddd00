//! The `fmt` properties of `referflow_fuzz::fmt_properties`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| referflow_fuzz::fmt_properties(&referflow_fuzz::text(data)));
