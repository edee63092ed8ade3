using System.CommandLine;
using System.Globalization;
using VaeOnnx.Cli.Bench;
using VaeOnnx.Cli.Scoring;
using VaeOnnx.Contract;
using VaeOnnx.Inference;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Model;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae bench</c>: a quick run of the scoring and training measurements, with the ratios the targets are stated in.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder to score.", DefaultValueFactory = _ => Path.Combine("models", "fashion-mnist-mlp") };
        var rows = new Option<int>("--rows") { Description = "Rows per scoring measurement.", DefaultValueFactory = _ => 20480 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "Threads for training and the GEMM peak.", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
        var skipTraining = new Option<bool>("--no-training") { Description = "Measure scoring only." };
        var trainingOnly = new Option<bool>("--training-only") { Description = "Measure the GEMM peak and the training routes only (no scoring, no conv model)." };
        var sweep = new Option<bool>("--sweep") { Description = "Instead of the standard measurements, measure the encoder chain over a grid of session options." };
        var sweepBlocks = new Option<string>("--sweep-blocks") { Description = "Sweep: block sizes (rows per ONNX Runtime call).", DefaultValueFactory = _ => "64,256,1024,4096" }
            .Parsed(text => SessionSweep.ParseSizes("--sweep-blocks", text, 1));
        var sweepThreads = new Option<string>("--sweep-threads") { Description = "Sweep: ONNX Runtime intra-op threads (0 = its default, one per core).", DefaultValueFactory = _ => "1,2" }
            .Parsed(text => SessionSweep.ParseSizes("--sweep-threads", text, 0));
        var sweepLevels = new Option<string>("--sweep-levels") { Description = "Sweep: graph optimisation levels (disable, basic, extended, layout, all).", DefaultValueFactory = _ => "disable,basic,extended,all" }
            .Parsed(text => SessionSweep.ParseLevels("--sweep-levels", text));
        var sweepSpinning = new Option<string>("--sweep-spinning") { Description = "Sweep: intra-op thread spinning (on, off or on,off).", DefaultValueFactory = _ => "on" }
            .Parsed(text => SessionSweep.ParseSwitches("--sweep-spinning", text));
        var conv = new Option<string?>("--conv-model") { Description = "Conv model folder measured as well (chains vs raw ONNX Runtime, and its training unless --no-training); skipped when absent.", DefaultValueFactory = _ => Path.Combine("models", "fashion-mnist-conv") };
        var coreType = new Option<string?>("--openblas-coretype") { Description = "Kernel family OpenBLAS is asked for in this process (for example SkylakeX or Haswell); default: the environment's OPENBLAS_CORETYPE or its own detection." };
        var tableModel = new Option<string?>("--table-model") { Description = "Instead of the standard measurements, measure this table pair's scoring on --table-data: raw ONNX Runtime on its three graphs, the VaeTableScore chain, the chain reloaded, and vae score CSV to CSV." };
        var tableData = new Option<string?>("--table-data") { Description = "With --table-model: the CSV file of rows to score (its header names the pair's columns)." };
        var tableRounds = new Option<int>("--table-rounds") { Description = "With --table-model: alternating rounds; medians are reported.", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures and ratios." };
        var command = new Command("bench", """
            Measure rows/s of raw batched ONNX Runtime, ML.NET's stock ApplyOnnxModel and the VaeOnnx chain (encoder, decoder,
            reconstruct, anomaly score), the same chains saved and reloaded (reloaded_vs_fitted: VaeModel.LoadChain; plain_load_vs_fitted:
            mlContext.Model.Load alone), single-row latency of PredictionEngine vs a direct batch-1 call, and training
            throughput against the FP32 GEMM peak measured in the same run (the faster of libtorch's and ONNX Runtime's 2048^3 MatMul). Ratios: chain_vs_raw, chain_vs_stock, train_vs_peak.
            With --sweep: the VaeEncode chain and raw ONNX Runtime with the same session options, for every combination of
            block size, intra-op threads, graph optimisation level and spinning; rows/s, chain_vs_raw, and the ratio to the
            default options (block 1024, ONNX Runtime's threads, level all, spinning on) measured in the same run.
            Examples:
              vae bench --json
              vae bench --no-training --rows 4096
              vae bench --training-only --threads 2 --json
              vae bench --sweep --sweep-spinning on,off --json
              vae bench --table-model models/customers --table-data customers.csv --json
            """)
        { model, conv, coreType, rows, threads, skipTraining, trainingOnly, sweep, sweepBlocks, sweepThreads, sweepLevels, sweepSpinning, tableModel, tableData, tableRounds, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            int n = parse.GetValue(rows);
            if (parse.GetValue(coreType) is { } core && !OpenBlasLibrary.PreferCoreType(core))
                throw new CommandUsageException($"--openblas-coretype {core}: OpenBLAS was loaded before the option could apply.");
            var log = parse.GetValue(json) ? parse.InvocationConfiguration.Error : parse.InvocationConfiguration.Output;
            if (parse.GetValue(trainingOnly)) return TrainingOnly(parse.GetValue(threads), parse.GetValue(json) ? parse.InvocationConfiguration.Output : null, log);
            if (parse.GetValue(tableModel) is { } tableFolder)
                return TableOnly(tableFolder, parse.GetValue(tableData), parse.GetValue(tableRounds), parse.GetValue(json) ? parse.InvocationConfiguration.Output : null, log);
            var vae = VaeModel.Load(parse.GetValue(model)!);
            float[]? images = null;
            VaeDataset? train = null, test = null;
            var dataFolder = MnistFamilyFolder.Contains(MnistFamilyFolder.DefaultFashionMnistFolder) ? MnistFamilyFolder.DefaultFashionMnistFolder : null;
            if (dataFolder is not null && vae.InputDim == 784)
            {
                (train, test) = MnistFamilyFolder.Load(dataFolder);
                images = test.Features;
            }
            var scenarios = new ScoringScenarios(vae, n, images);
            var figures = new Dictionary<string, object?> { ["rows"] = n, ["model"] = vae.EncoderPath, ["machine_cores"] = Environment.ProcessorCount };
            if (parse.GetValue(sweep))
            {
                var grid = SessionSweep.Grid(
                    SessionSweep.ParseSizes("--sweep-blocks", parse.GetValue(sweepBlocks)!, 1),
                    SessionSweep.ParseSizes("--sweep-threads", parse.GetValue(sweepThreads)!, 0),
                    SessionSweep.ParseLevels("--sweep-levels", parse.GetValue(sweepLevels)!),
                    SessionSweep.ParseSwitches("--sweep-spinning", parse.GetValue(sweepSpinning)!));
                RunSweep(scenarios, grid, figures, log);
                if (parse.GetValue(json)) CommandRunner.WriteJson(parse.InvocationConfiguration.Output, figures);
                return 0;
            }
            foreach (var latent in new[] { false, true })
            {
                var (seconds, bytes) = scenarios.SourceOnly(latent);
                string name = latent ? "latent_source" : "source";
                figures[$"{name}_rows_per_s"] = n / seconds;
                figures[$"{name}_bytes_per_row"] = bytes;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} read alone {n / seconds,10:N0} rows/s, {bytes,6:F1} managed bytes/row (in-memory ML.NET data view)"));
            }
            foreach (var kind in new[] { "encode", "decode", "reconstruct", "score" })
            {
                var (seconds, bytes) = scenarios.Chain(kind);
                figures[$"{kind}_chain_rows_per_s"] = n / seconds;
                figures[$"{kind}_chain_bytes_per_row"] = bytes;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind,-12} chain {n / seconds,10:N0} rows/s, {bytes,6:F1} managed bytes/row"));
            }
            foreach (var (name, decoder) in new[] { ("encode", false), ("decode", true) })
            {
                var (rawSeconds, rawRows) = scenarios.RawBatched(decoder);
                double raw = rawRows / rawSeconds, stock = n / scenarios.StockApplyOnnx(decoder);
                figures[$"{name}_raw_rows_per_pass"] = rawRows;
                double chain = (double)figures[$"{name}_chain_rows_per_s"]!;
                figures[$"{name}_raw_rows_per_s"] = raw;
                figures[$"{name}_stock_rows_per_s"] = stock;
                figures[$"{name}_chain_vs_raw"] = chain / raw;
                figures[$"{name}_chain_vs_stock"] = chain / stock;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} raw ORT batched {raw,10:N0} rows/s, stock ApplyOnnxModel {stock,10:N0} rows/s; chain/raw {chain / raw:F2}, chain/stock {chain / stock:F1}"));
            }
            foreach (var kind in new[] { "encode", "decode" })
            {
                var (rawSeconds, rawRows, chainSeconds, overlapSeconds) = scenarios.Alternated(kind);
                double raw = rawRows / rawSeconds, chain = n / chainSeconds, overlapped = n / overlapSeconds;
                figures[$"{kind}_alternated_raw_rows_per_s"] = raw;
                figures[$"{kind}_alternated_chain_rows_per_s"] = chain;
                figures[$"{kind}_alternated_overlap_rows_per_s"] = overlapped;
                figures[$"{kind}_alternated_chain_vs_raw"] = chain / raw;
                figures[$"{kind}_alternated_overlap_vs_raw"] = overlapped / raw;
                figures[$"{kind}_overlap_vs_chain"] = overlapped / chain;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind,-12} alternated passes: raw ORT {raw,10:N0} rows/s, chain {chain,10:N0} rows/s ({chain / raw:F2}x raw), OverlapBlocks chain {overlapped,10:N0} rows/s ({overlapped / raw:F2}x raw, {overlapped / chain:F2}x chain)"));
            }
            foreach (var kind in new[] { "encode", "decode", "score" })
            {
                var (fitted, reloaded, plain) = scenarios.Reloaded(kind);
                figures[$"{kind}_fitted_rows_per_s"] = n / fitted;
                figures[$"{kind}_reloaded_rows_per_s"] = n / reloaded;
                figures[$"{kind}_plain_load_rows_per_s"] = n / plain;
                figures[$"{kind}_reloaded_vs_fitted"] = fitted / reloaded;
                figures[$"{kind}_plain_load_vs_fitted"] = fitted / plain;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind,-12} saved and reloaded: fitted {n / fitted,10:N0} rows/s, VaeModel.LoadChain {n / reloaded,10:N0} rows/s ({fitted / reloaded:F2}x), plain Model.Load {n / plain,10:N0} rows/s ({fitted / plain:F2}x)"));
            }
            figures["reloaded_vs_fitted"] = new[] { "encode", "decode", "score" }.Min(k => (double)figures[$"{k}_reloaded_vs_fitted"]!);
            var (engine, direct) = scenarios.SingleRow(5000);
            figures["engine_p50_us"] = engine.P50; figures["engine_p99_us"] = engine.P99;
            figures["direct_p50_us"] = direct.P50; figures["direct_p99_us"] = direct.P99;
            figures["engine_vs_direct_p50"] = engine.P50 / direct.P50;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"single row   PredictionEngine p50 {engine.P50:F1} us p99 {engine.P99:F1} us; direct ORT batch-1 p50 {direct.P50:F1} us p99 {direct.P99:F1} us; ratio {engine.P50 / direct.P50:F2}"));
            figures["chain_vs_raw"] = Math.Min((double)figures["encode_chain_vs_raw"]!, (double)figures["decode_chain_vs_raw"]!);
            figures["chain_vs_stock"] = Math.Min((double)figures["encode_chain_vs_stock"]!, (double)figures["decode_chain_vs_stock"]!);
            if (!parse.GetValue(skipTraining))
            {
                train ??= SyntheticImages(20000, 1);
                test ??= SyntheticImages(2000, 2);
                MeasureTraining(train, test, parse.GetValue(threads), figures, log);
            }
            if (parse.GetValue(conv) is { } convFolder && File.Exists(Path.Combine(convFolder, "encoder.onnx")))
                MeasureConv(VaeModel.Load(convFolder), n, images, parse.GetValue(skipTraining) ? null : (train!, test!), parse.GetValue(threads), figures, log);
            if (parse.GetValue(json)) CommandRunner.WriteJson(parse.InvocationConfiguration.Output, figures);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The roofline (the faster of libtorch's and ONNX Runtime's 2048^3 MatMul) and the reference configuration's training
    /// throughput on each GEMM route, alternated; train_vs_peak is the default route's against the roofline.
    /// </summary>
    private static void MeasureTraining(VaeDataset train, VaeDataset test, int t, Dictionary<string, object?> figures, TextWriter log)
    {
        TorchSharp.torch.set_num_threads(t);
        double torchPeak = TrainingScenario.GemmPeakGflops(), ortPeak = OrtGemmPeak.Gflops(t);
        double peak = Math.Max(torchPeak, ortPeak);
        figures["gemm_peak_libtorch_gflops"] = torchPeak;
        figures["gemm_peak_ort_gflops"] = ortPeak;
        figures["gemm_peak_source"] = ortPeak >= torchPeak ? "onnxruntime" : "libtorch";
        figures["gemm_peak_gflops"] = peak;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GEMM peak    2048^3 FP32 on {t} threads: libtorch {torchPeak:F0} GFLOP/s, ONNX Runtime MLAS {ortPeak:F0} GFLOP/s"));
        var routes = TrainingScenario.CompareRoutes(train.Take(20000), test.Take(2000), t);
        double flopsPerSample = 3 * TrainingScenario.ForwardFlops(new VaeArchitecture());
        double samples = routes[TrainingScenario.DefaultRoute];
        figures["train_samples_per_s"] = samples;
        figures["train_gflops"] = samples * flopsPerSample / 1e9;
        figures["train_vs_peak"] = samples * flopsPerSample / 1e9 / peak;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training     {samples:N0} samples/s = {samples * flopsPerSample / 1e9:F0} GFLOP/s (3x forward FLOPs) vs GEMM peak {peak:F0} GFLOP/s on {t} threads: {samples * flopsPerSample / 1e9 / peak:P0}"));
        double flat = routes["flat_adam"];
        figures["train_flat_adam_samples_per_s"] = flat;
        figures["train_flat_adam_vs_libtorch"] = flat / samples;
        figures["train_flat_adam_vs_peak"] = flat * flopsPerSample / 1e9 / peak;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training     --adam-update flat {flat:N0} samples/s: {flat / samples:F2}x the default route, {flat * flopsPerSample / 1e9 / peak:P0} of the peak"));
        if (routes.TryGetValue("split_flat", out double split))
        {
            figures["train_split_samples_per_s"] = split;
            figures["train_split_vs_libtorch"] = split / samples;
            figures["train_split_vs_peak"] = split * flopsPerSample / 1e9 / peak;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training     --gemm openblas --threads 1 --gemm-threads {t} --adam-update flat {split:N0} samples/s: {split / samples:F2}x the default route, {split * flopsPerSample / 1e9 / peak:P0} of the peak"));
        }
        foreach (var (route, command) in new[] { ("onednn", "--gemm onednn"), ("onednn_flat", "--gemm onednn --adam-update flat"), ("onednn_split_flat", $"--gemm onednn --threads 1 --gemm-threads {t} --adam-update flat") })
        {
            if (!routes.TryGetValue(route, out double dnnl)) continue;
            figures[$"train_{route}_samples_per_s"] = dnnl;
            figures[$"train_{route}_vs_libtorch"] = dnnl / samples;
            figures[$"train_{route}_vs_peak"] = dnnl * flopsPerSample / 1e9 / peak;
            figures["onednn_version"] = OneDnnLibrary.Version;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training     {command} (oneDNN {OneDnnLibrary.Version}) {dnnl:N0} samples/s: {dnnl / samples:F2}x libtorch's route, {dnnl * flopsPerSample / 1e9 / peak:P0} of the peak"));
        }
        if (routes.TryGetValue("openblas", out double blas))
        {
            figures["train_openblas_samples_per_s"] = blas;
            figures["train_openblas_vs_libtorch"] = blas / samples;
            figures["train_openblas_vs_peak"] = blas * flopsPerSample / 1e9 / peak;
            figures["openblas_core"] = OpenBlasLibrary.CoreName;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training     --gemm openblas ({OpenBlasLibrary.CoreName} kernels) {blas:N0} samples/s: {blas / samples:F2}x libtorch's route, {blas * flopsPerSample / 1e9 / peak:P0} of the peak"));
        }
    }

    /// <summary>A table pair's scoring figures (<see cref="TableScenario"/>).</summary>
    private static int TableOnly(string folder, string? data, int rounds, TextWriter? json, TextWriter log)
    {
        if (data is null) throw new CommandUsageException("--table-model needs --table-data FILE.csv: the rows to score.");
        var model = ModelInput.LoadModel(folder, likelihood: null);
        if (model.Table is null) throw new CommandUsageException($"--table-model {folder}: not a table pair (no table schema in its metadata).");
        var figures = new Dictionary<string, object?> { ["table_model"] = model.EncoderPath, ["table_data"] = data, ["machine_cores"] = Environment.ProcessorCount };
        new TableScenario(model, data).Run(rounds, figures, log);
        if (json is not null) CommandRunner.WriteJson(json, figures);
        return 0;
    }

    /// <summary>The GEMM peak and the training routes on Fashion-MNIST (synthetic images where it is not installed).</summary>
    private static int TrainingOnly(int threads, TextWriter? json, TextWriter log)
    {
        var (train, test) = MnistFamilyFolder.Contains(MnistFamilyFolder.DefaultFashionMnistFolder)
            ? MnistFamilyFolder.Load(MnistFamilyFolder.DefaultFashionMnistFolder)
            : (SyntheticImages(20000, 1), SyntheticImages(2000, 2));
        var figures = new Dictionary<string, object?> { ["machine_cores"] = Environment.ProcessorCount };
        MeasureTraining(train, test, threads, figures, log);
        if (json is not null) CommandRunner.WriteJson(json, figures);
        return 0;
    }

    /// <summary>The conv model's chains against raw ONNX Runtime and, unless skipped, its training throughput.</summary>
    private static void MeasureConv(VaeModel model, int n, float[]? images, (VaeDataset Train, VaeDataset Test)? data, int t,
        Dictionary<string, object?> figures, TextWriter log)
    {
        var scenarios = new ScoringScenarios(model, n, images);
        foreach (var (name, decoder) in new[] { ("encode", false), ("decode", true) })
        {
            double chain = n / scenarios.Chain(name).Seconds;
            var (rawSeconds, rawRows) = scenarios.RawBatched(decoder);
            double raw = rawRows / rawSeconds;
            figures[$"conv_{name}_chain_rows_per_s"] = chain;
            figures[$"conv_{name}_raw_rows_per_s"] = raw;
            figures[$"conv_{name}_chain_vs_raw"] = chain / raw;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conv {name,-7} chain {chain,10:N0} rows/s, raw ORT batched {raw,10:N0} rows/s; chain/raw {chain / raw:F2}"));
        }
        if (data is not { } d || model.Image is not { } image || image.Values != d.Train.FeatureCount) return;
        int[] shape = [image.Channels, image.Height, image.Width];
        var architecture = new VaeArchitecture { Kind = ModelKind.Conv, InputShape = shape };
        double samples = TrainingScenario.TrainingSamplesPerSecond(d.Train.Take(5000), d.Test.Take(1000), t, epochs: 2, architecture: architecture);
        figures["conv_train_samples_per_s"] = samples;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conv training {samples:N0} samples/s ({EnumText.Of(ModelKind.Conv)} {string.Join("x", shape)}, batch 128, {t} threads)"));
    }

    private static void RunSweep(ScoringScenarios scenarios, IReadOnlyList<SessionSweepPoint> grid, Dictionary<string, object?> figures, TextWriter log)
    {
        int checkRows = Math.Min(scenarios.RowCount, 256);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep: VaeEncode chain vs raw ONNX Runtime (one Run per block), {scenarios.RowCount} rows, {grid.Count} configurations, the first is the default"));
        log.WriteLine($"{"block",6} {"threads",7} {"level",-8} {"spin",4} {"chain rows/s",13} {"raw rows/s",12} {"chain/raw",9} {"vs default",10} {"max |diff|",10}");
        float[]? reference = null;
        SessionSweepResult? baseline = null;
        var results = new List<Dictionary<string, object?>>();
        foreach (var point in grid)
        {
            var result = SessionSweep.Measure(scenarios, point, reference, checkRows, out var means);
            reference ??= means;
            baseline ??= result;
            double vsDefault = result.ChainRowsPerSecond / baseline.ChainRowsPerSecond;
            results.Add(new Dictionary<string, object?>
            {
                ["block_size"] = point.BlockSize, ["intra_op_threads"] = point.IntraOpThreads, ["optimization_level"] = point.LevelName,
                ["allow_spinning"] = point.AllowSpinning, ["default"] = point == SessionSweepPoint.Default,
                ["chain_rows_per_s"] = result.ChainRowsPerSecond, ["raw_rows_per_s"] = result.RawRowsPerSecond,
                ["chain_vs_raw"] = result.ChainVsRaw, ["vs_default"] = vsDefault, ["max_abs_diff"] = result.MaxAbsDiff,
            });
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{point.BlockSize,6} {(point.IntraOpThreads == 0 ? "default" : point.IntraOpThreads.ToString(CultureInfo.InvariantCulture)),7} {point.LevelName,-8} {(point.AllowSpinning ? "on" : "off"),4} {result.ChainRowsPerSecond,13:N0} {result.RawRowsPerSecond,12:N0} {result.ChainVsRaw,9:F2} {vsDefault,10:F2} {result.MaxAbsDiff,10:G3}"));
        }
        var best = results.MaxBy(r => (double)r["chain_rows_per_s"]!)!;
        figures["sweep_check_rows"] = checkRows;
        figures["sweep"] = results;
        figures["sweep_best"] = best;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fastest: block {best["block_size"]}, threads {best["intra_op_threads"]}, level {best["optimization_level"]}, spinning {((bool)best["allow_spinning"]! ? "on" : "off")}: {(double)best["vs_default"]!:F2}x the default"));
    }

    private static VaeDataset SyntheticImages(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * 784];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextDouble() < 0.5 ? 0f : (float)random.NextDouble();
        return new VaeDataset("synthetic", values, rows, 784, null, [1, 28, 28]);
    }
}
