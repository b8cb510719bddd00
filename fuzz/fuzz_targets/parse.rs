//! The `parse` properties of `referflow_fuzz::parse_properties`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| referflow_fuzz::parse_properties(&referflow_fuzz::text(data)));
