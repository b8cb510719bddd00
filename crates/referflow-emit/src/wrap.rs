//! Wrapping labels at a readable width; Thai only between words. (Being written.)
