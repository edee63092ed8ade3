using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Onnx;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Bench;

/// <summary>
/// The scoring measurements of <c>vae bench</c> and the BenchmarkDotNet suite: the same work done three ways, raw ONNX
/// Runtime on reused batch buffers (the ceiling), ML.NET's stock ApplyOnnxModel (one call per row), and the VaeOnnx chain.
/// </summary>
public sealed class ScoringScenarios
{
    private readonly MLContext _ml = new(1);
    private readonly float[] _rows;

    /// <summary>Prepares <paramref name="rowCount"/> rows of inputs for <paramref name="model"/>: real images tiled when given, else uniform noise.</summary>
    public ScoringScenarios(VaeModel model, int rowCount, float[]? images = null)
    {
        Model = model;
        RowCount = rowCount;
        _rows = new float[rowCount * model.InputDim];
        var random = new Random(1);
        for (int i = 0; i < _rows.Length; i++) _rows[i] = images is { Length: > 0 } ? images[i % images.Length] : (float)random.NextDouble();
        Latents = new float[rowCount * model.LatentDim];
        for (int i = 0; i < Latents.Length; i++) Latents[i] = (float)VaeModel.StandardNormal(random);
        Inputs = View(_rows, model.InputDim, "Features");
        LatentView = View(Latents, model.LatentDim, "Z");
    }

    /// <summary>The pair measured.</summary>
    public VaeModel Model { get; }
    /// <summary>Rows per measurement.</summary>
    public int RowCount { get; }
    /// <summary>Latent rows for decoding.</summary>
    public float[] Latents { get; }
    /// <summary>The input rows as a data view (column Features).</summary>
    public IDataView Inputs { get; }
    /// <summary>The latent rows as a data view (column Z).</summary>
    public IDataView LatentView { get; }

    /// <summary>Raw ONNX Runtime: one Run per batch on reused OrtValues; session and buffers made once.</summary>
    /// <param name="decoder">Score the decoder (latent rows) instead of the encoder.</param>
    /// <param name="batch">Rows per Run.</param>
    /// <param name="model">The pair with the session options to use; default <see cref="Model"/>.</param>
    public RawBatchScorer PrepareRaw(bool decoder, int batch = 1024, VaeModel? model = null) => new(this, model ?? Model, decoder, batch);

    /// <summary>Raw ONNX Runtime over all rows: seconds of the best timed pass after a warm-up one, and the rows a pass scored.</summary>
    public (double Seconds, int Rows) RawBatched(bool decoder, int batch = 1024, VaeModel? model = null)
    {
        using var raw = PrepareRaw(decoder, batch, model);
        int rows = raw.Run();
        return (BestOf(3, () => raw.Run()), rows);
    }

    /// <summary>The rows as one block (row-major).</summary>
    internal float[] Rows => _rows;

    /// <summary>ML.NET's stock ApplyOnnxModel, fitted once: the transformer, its input view and the columns to read.</summary>
    public PreparedScoring PrepareStock(bool decoder)
    {
        var view = decoder ? View(Latents, Model.LatentDim, Model.DecoderInput) : View(_rows, Model.InputDim, Model.EncoderInput);
        var options = new OnnxOptions
        {
            ModelFile = decoder ? Model.DecoderPath : Model.EncoderPath,
            InputColumns = [decoder ? Model.DecoderInput : Model.EncoderInput],
            OutputColumns = decoder ? [Model.DecoderOutput] : [Model.EncoderMu, Model.EncoderLogVar],
        };
        return new PreparedScoring(_ml.Transforms.ApplyOnnxModel(options).Fit(view), view, decoder ? [Model.DecoderOutput] : [Model.EncoderMu, Model.EncoderLogVar]);
    }

    /// <summary>A VaeOnnx transform, fitted once.</summary>
    /// <param name="kind">encode, decode, reconstruct or score.</param>
    /// <param name="model">The pair with the session options (block size, threads...) to use; default <see cref="Model"/>.</param>
    public PreparedScoring PrepareChain(string kind, VaeModel? model = null)
    {
        model ??= Model;
        IEstimator<ITransformer> estimator = kind switch
        {
            "encode" => _ml.Transforms.VaeEncode(model),
            "decode" => _ml.Transforms.VaeDecode(model, "Z", "Decoded"),
            "reconstruct" => _ml.Transforms.VaeReconstruct(model),
            _ => _ml.Transforms.VaeAnomalyScore(model),
        };
        var input = kind == "decode" ? LatentView : Inputs;
        string[] columns = kind switch { "encode" => ["Mu", "LogVar"], "decode" => ["Decoded"], "reconstruct" => ["Reconstruction"], _ => ["Score"] };
        return new PreparedScoring(estimator.Fit(input), input, columns);
    }

    /// <summary>
    /// The chain of <paramref name="kind"/> fitted, saved with <c>mlContext.Model.Save</c> and loaded back twice: with
    /// <see cref="VaeModel.LoadChain(MLContext, string, out DataViewSchema, VaeSessionOptions?)"/> and with a plain
    /// <c>mlContext.Model.Load</c>. Seconds of the best pass of each, passes alternating fitted, reloaded, plain so that
    /// the machine's drift hits all three alike.
    /// </summary>
    public (double Fitted, double Reloaded, double PlainLoad) Reloaded(string kind, int rounds = 3)
    {
        using var fitted = PrepareChain(kind);
        var folder = Directory.CreateTempSubdirectory("vae-bench-");
        try
        {
            var zip = Path.Combine(folder.FullName, kind + ".zip");
            _ml.Model.Save(fitted.Transformer, fitted.Input.Schema, zip);
            using var reloaded = new PreparedScoring(VaeModel.LoadChain(_ml, zip, out _), fitted.Input, fitted.Columns);
            using var plain = new PreparedScoring(_ml.Model.Load(zip, out _), fitted.Input, fitted.Columns);
            int warm = Math.Min(RowCount, 2048);
            foreach (var p in new[] { fitted, reloaded, plain }) p.Score(warm);
            double f = double.PositiveInfinity, r = double.PositiveInfinity, s = double.PositiveInfinity;
            for (int i = 0; i < rounds; i++)
            {
                f = Math.Min(f, BestOf(1, () => fitted.Score()));
                r = Math.Min(r, BestOf(1, () => reloaded.Score()));
                s = Math.Min(s, BestOf(1, () => plain.Score()));
            }
            return (f, r, s);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>ML.NET's stock ApplyOnnxModel over the rows; returns seconds of one pass after a warm-up.</summary>
    public double StockApplyOnnx(bool decoder)
    {
        using var stock = PrepareStock(decoder);
        stock.Score(Math.Min(RowCount, 2048));
        return BestOf(3, () => stock.Score());
    }

    /// <summary>
    /// A VaeOnnx transform over the rows; returns seconds of one pass (cursor set-up included) and the steady-state managed
    /// bytes per row (allocated while moving through rows, after the cursor and its block buffers exist).
    /// </summary>
    public (double Seconds, double BytesPerRow) Chain(string kind, VaeModel? model = null)
    {
        using var chain = PrepareChain(kind, model);
        chain.Score(Math.Min(RowCount, 2048)); // warm-up: sessions, buffers
        long loopBytes = 0;
        double seconds = BestOf(3, () => loopBytes = chain.Score());
        return (seconds, loopBytes / (double)RowCount);
    }

    /// <summary>
    /// Raw ONNX Runtime, the chain of <paramref name="kind"/> (encode or decode) and the same chain with
    /// <see cref="VaeSessionOptions.OverlapBlocks"/>, in passes that alternate raw, chain, overlapped so that the machine's
    /// drift hits all three alike: the best seconds of each over <paramref name="rounds"/> rounds, and the rows a raw pass scored.
    /// </summary>
    public (double Raw, int RawRows, double Chain, double Overlapped) Alternated(string kind, int rounds = 3)
    {
        bool decoder = kind == "decode";
        var overlapModel = VaeModel.Load(Model.EncoderPath, Model.DecoderPath, Model.Options with { OverlapBlocks = true }, Model.Likelihood);
        using var raw = PrepareRaw(decoder);
        using var chain = PrepareChain(kind);
        using var overlapped = PrepareChain(kind, overlapModel);
        int rows = raw.Run();
        chain.Score(Math.Min(RowCount, 2048));
        overlapped.Score(Math.Min(RowCount, 2048));
        double r = double.PositiveInfinity, c = double.PositiveInfinity, o = double.PositiveInfinity;
        for (int i = 0; i < rounds; i++)
        {
            r = Math.Min(r, BestOf(1, () => raw.Run()));
            c = Math.Min(c, BestOf(1, () => chain.Score()));
            o = Math.Min(o, BestOf(1, () => overlapped.Score()));
        }
        return (r, rows, c, o);
    }

    /// <summary>
    /// The posterior means of the first <paramref name="rows"/> rows through the VaeEncode chain of <paramref name="model"/>
    /// (row-major): a configuration is only worth timing if it computes the same values.
    /// </summary>
    public float[] EncodeMeans(VaeModel model, int rows)
    {
        using var chain = PrepareChain("encode", model);
        return chain.Values("Mu", rows);
    }

    /// <summary>Reading the input rows alone (the data source's own cost, included in every chain figure): seconds and managed bytes per row.</summary>
    public (double Seconds, double BytesPerRow) SourceOnly(bool latent)
    {
        var view = latent ? LatentView : Inputs;
        var columns = new[] { latent ? "Z" : "Features" };
        Drain(view, columns, Math.Min(RowCount, 2048));
        var clock = Stopwatch.StartNew();
        long bytes = Drain(view, columns);
        return (clock.Elapsed.TotalSeconds, bytes / (double)RowCount);
    }

    /// <summary>The fastest of <paramref name="passes"/> timed passes: the machine is shared, and the minimum is the least disturbed.</summary>
    private static double BestOf(int passes, Action pass)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < passes; i++)
        {
            var clock = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>Single-row latency in microseconds (p50, p99): PredictionEngine over VaeEncode, and a direct batch-1 Run.</summary>
    public ((double P50, double P99) Engine, (double P50, double P99) Direct) SingleRow(int calls)
    {
        var schema = SchemaDefinition.Create(typeof(BenchRow));
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Model.InputDim);
        var output = SchemaDefinition.Create(typeof(BenchCode), SchemaDefinition.Direction.Read);
        output[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Model.LatentDim);
        var transformer = _ml.Transforms.VaeEncode(Model).Fit(Inputs);
        using var engine = _ml.Model.CreatePredictionEngine<BenchRow, BenchCode>(transformer, inputSchemaDefinition: schema, outputSchemaDefinition: output);
        var row = new BenchRow { Features = _rows.AsSpan(0, Model.InputDim).ToArray() };
        var result = new BenchCode();
        var engineTimes = Time(calls, () => engine.Predict(row, ref result));

        using var session = Model.CreateSession(GraphRole.Encoder);
        var buffer = _rows.AsSpan(0, Model.InputDim).ToArray();
        var mu = new float[Model.LatentDim];
        var logvar = new float[Model.LatentDim];
        using var run = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(buffer, [1, Model.InputDim]);
        using var muValue = OrtValue.CreateTensorValueFromMemory(mu, [1, Model.LatentDim]);
        using var logvarValue = OrtValue.CreateTensorValueFromMemory(logvar, [1, Model.LatentDim]);
        var directTimes = Time(calls, () => session.Run(run, [Model.EncoderInput], [input], [Model.EncoderMu, Model.EncoderLogVar], [muValue, logvarValue]));
        (transformer as IDisposable)?.Dispose();
        return (Percentiles(engineTimes), Percentiles(directTimes));
    }

    private static double[] Time(int calls, Action call)
    {
        for (int i = 0; i < Math.Min(200, calls); i++) call();
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return times;
    }

    private static (double, double) Percentiles(double[] times)
    {
        var sorted = times.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    /// <summary>Reads every requested value of every row; returns the managed bytes allocated while moving through the rows.</summary>
    internal static long Drain(IDataView view, string[] columns, long? limit = null)
    {
        var selected = columns.Select(c => view.Schema[c]).ToArray();
        using var cursor = view.GetRowCursor(selected);
        var getters = selected.Select(c => c.Type is VectorDataViewType ? MakeVector(cursor, c) : MakeScalar(cursor, c)).ToArray();
        long rows = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (cursor.MoveNext() && (limit is null || rows++ < limit))
            foreach (var get in getters) get();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Action MakeVector(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        return () => getter(ref value);
    }

    private static Action MakeScalar(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        return () => getter(ref value);
    }

    private IDataView View(float[] block, int width, string column)
    {
        int rows = block.Length / width;
        var items = new List<BenchRow>(rows);
        for (int r = 0; r < rows; r++) items.Add(new BenchRow { Features = block.AsSpan(r * width, width).ToArray() });
        var schema = SchemaDefinition.Create(typeof(BenchRow));
        schema[0].ColumnName = column;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return _ml.Data.LoadFromEnumerable(items, schema);
    }

    /// <summary>An input row.</summary>
    public sealed class BenchRow
    {
        /// <summary>Raw features.</summary>
        public float[] Features { get; set; } = [];
    }

    /// <summary>A PredictionEngine output row.</summary>
    public sealed class BenchCode
    {
        /// <summary>Posterior mean.</summary>
        public float[] Mu { get; set; } = [];
    }
}
