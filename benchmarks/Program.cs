using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(VaeOnnx.Benchmarks.ScoringBenchmarks).Assembly).Run(args);
