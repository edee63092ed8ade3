using BenchmarkDotNet.Running;
using VaeOnnx.Benchmarks.Load;

// `load`: the service's documented load run (with --table-model, its table mode, TableLoadRun); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "load" && args.Contains("--table-model")) return await TableLoadRun.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "load") return await ServiceLoadRun.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(VaeOnnx.Benchmarks.ScoringBenchmarks).Assembly).Run(args);
return 0;
