//! The `html` backend: `referflow_fuzz::render_properties` with `Backend::Html`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use referflow_fuzz::{Backend, render_properties, text};

fuzz_target!(|data: &[u8]| render_properties(&text(data), Backend::Html));
