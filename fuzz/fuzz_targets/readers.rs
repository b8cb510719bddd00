//! The `readers` properties of `referflow_fuzz::readers_properties`: the hand-written reader
//! and pest build the same tree.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| referflow_fuzz::readers_properties(&referflow_fuzz::text(data)));
