//! The `check` properties of `referflow_fuzz::check_properties` and `read_properties`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    referflow_fuzz::check_properties(&referflow_fuzz::text(data));
    referflow_fuzz::read_properties(data);
});
