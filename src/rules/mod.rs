//! Prerequisite rules: facts from a snapshot in, findings out. One module per area.
