package sampling

// CubeAdd counts a sample in a cube, for tests and benchmarks outside the package.
func CubeAdd(c *Cube, s *Sample, verdict string, items []Item) { c.Add(keyOf(s), verdict, items) }
