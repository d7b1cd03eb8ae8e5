"""The figure model between drawing and backends: primitives, and the bundled font's metrics."""
