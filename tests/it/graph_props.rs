//! Differential property tests of the flow rules: on random graphs, each rule's findings equal
//! those of a brute-force reference written here.
