//! The HTML report: one self-contained page made from one or more reports, with what
//! blocks writeback first, in the order to fix it, then every finding by area.

pub mod html;
pub mod input;
pub mod order;
pub mod sanitize;
