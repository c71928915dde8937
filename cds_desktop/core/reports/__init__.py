"""Reports: official PDF reports (Decree 30/2020/NĐ-CP layout) built from plain report data, without database access."""
