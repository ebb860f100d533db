//! Which rows of a list taller than its area are shown: the cursor's row always, the focused
//! block whole when it fits, and a row saying how many more there are above or below.

/// The rows to show of `total` in `height` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first row shown.
    pub top: usize,
    /// How many rows are shown (besides the "more" rows).
    pub shown: usize,
    /// Rows hidden above (said on the first line) and below (said on the last).
    pub above: usize,
    pub below: usize,
}

/// `block` is the focused item's rows (start, end), `cursor` the row that must show.
pub fn window(total: usize, height: usize, block: (usize, usize), cursor: Option<usize>) -> Window {
    if total <= height || height < 3 {
        let top = match cursor {
            Some(row) if row >= height => row + 1 - height,
            _ => 0,
        };
        let shown = height.min(total.saturating_sub(top));
        return Window { top, shown, above: 0, below: 0 };
    }
    let place = |room: usize| {
        let mut top = block.1.saturating_sub(room);
        if block.0 < top {
            top = block.0;
        }
        if let Some(row) = cursor {
            if row >= top + room {
                top = row + 1 - room;
            }
            if row < top {
                top = row;
            }
        }
        top.min(total.saturating_sub(room))
    };
    let room = height - 2;
    let top = place(room);
    if top == 0 {
        let room = height - 1;
        return Window { top: 0, shown: room, above: 0, below: total - room };
    }
    if top + room >= total {
        let room = height - 1;
        let top = total - room;
        return Window { top, shown: room, above: top, below: 0 };
    }
    Window { top, shown: room, above: top, below: total - top - room }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_row_always_shows() {
        for total in 0..40 {
            for height in 1..20 {
                for cursor in 0..total {
                    let w = window(total, height, (cursor.saturating_sub(3), cursor + 1), Some(cursor));
                    assert!(w.top <= cursor && cursor < w.top + w.shown, "{total} {height} {cursor}: {w:?}");
                    let lines = w.shown + usize::from(w.above > 0) + usize::from(w.below > 0);
                    assert!(lines <= height, "{total} {height} {cursor}: {w:?}");
                    if height >= 3 {
                        assert_eq!(w.above + w.shown + w.below, total, "{total} {height} {cursor}: {w:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn everything_shows_when_it_fits() {
        assert_eq!(window(5, 10, (0, 1), Some(4)), Window { top: 0, shown: 5, above: 0, below: 0 });
    }
}
