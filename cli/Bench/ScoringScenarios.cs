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
public sealed class ScoringScenarios : IDisposable
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

    /// <summary>Raw ONNX Runtime: one Run per batch on reused OrtValues; returns seconds.</summary>
    public double RawBatched(bool decoder, int batch = 1024)
    {
        string path = decoder ? Model.DecoderPath : Model.EncoderPath;
        int width = decoder ? Model.LatentDim : Model.InputDim;
        var source = decoder ? Latents : _rows;
        using var session = Model.CreateSession(path);
        var inputBuffer = new float[batch * width];
        var outputs = decoder ? new[] { new float[batch * Model.InputDim] } : [new float[batch * Model.LatentDim], new float[batch * Model.LatentDim]];
        string[] inputNames = [decoder ? Model.DecoderInput : Model.EncoderInput];
        string[] outputNames = decoder ? [Model.DecoderOutput] : [Model.EncoderMu, Model.EncoderLogVar];
        using var run = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(inputBuffer, [batch, width]);
        var outputValues = outputs.Select(o => OrtValue.CreateTensorValueFromMemory(o, [batch, o.Length / batch])).ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            for (int start = 0; start + batch <= RowCount; start += batch)
            {
                source.AsSpan(start * width, batch * width).CopyTo(inputBuffer);
                session.Run(run, inputNames, [input], outputNames, outputValues);
            }
            return clock.Elapsed.TotalSeconds * RowCount / (RowCount / batch * batch);
        }
        finally
        {
            foreach (var v in outputValues) v.Dispose();
        }
    }

    /// <summary>ML.NET's stock ApplyOnnxModel over the rows; returns seconds to read every output value.</summary>
    public double StockApplyOnnx(bool decoder)
    {
        var view = decoder ? View(Latents, Model.LatentDim, Model.DecoderInput) : View(_rows, Model.InputDim, Model.EncoderInput);
        var options = new OnnxOptions
        {
            ModelFile = decoder ? Model.DecoderPath : Model.EncoderPath,
            InputColumns = [decoder ? Model.DecoderInput : Model.EncoderInput],
            OutputColumns = decoder ? [Model.DecoderOutput] : [Model.EncoderMu, Model.EncoderLogVar],
        };
        var transformer = _ml.Transforms.ApplyOnnxModel(options).Fit(view);
        var clock = Stopwatch.StartNew();
        Drain(transformer.Transform(view), decoder ? [Model.DecoderOutput] : [Model.EncoderMu, Model.EncoderLogVar]);
        var seconds = clock.Elapsed.TotalSeconds;
        (transformer as IDisposable)?.Dispose();
        return seconds;
    }

    /// <summary>
    /// A VaeOnnx transform over the rows; returns seconds (cursor set-up included) and the steady-state managed bytes per row
    /// (allocated while moving through rows, after the cursor and its block buffers exist).
    /// </summary>
    public (double Seconds, double BytesPerRow) Chain(string kind)
    {
        IEstimator<ITransformer> estimator = kind switch
        {
            "encode" => _ml.Transforms.VaeEncode(Model),
            "decode" => _ml.Transforms.VaeDecode(Model, "Z", "Decoded"),
            "reconstruct" => _ml.Transforms.VaeReconstruct(Model),
            _ => _ml.Transforms.VaeAnomalyScore(Model),
        };
        var input = kind == "decode" ? LatentView : Inputs;
        string[] columns = kind switch { "encode" => ["Mu", "LogVar"], "decode" => ["Decoded"], "reconstruct" => ["Reconstruction"], _ => ["Score"] };
        var transformer = estimator.Fit(input);
        Drain(transformer.Transform(input), columns, Math.Min(RowCount, 2048)); // warm-up: sessions, buffers
        var clock = Stopwatch.StartNew();
        long loopBytes = Drain(transformer.Transform(input), columns);
        var seconds = clock.Elapsed.TotalSeconds;
        double bytes = loopBytes / (double)RowCount;
        (transformer as IDisposable)?.Dispose();
        return (seconds, bytes);
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

        using var session = Model.CreateSession(Model.EncoderPath);
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
    private static long Drain(IDataView view, string[] columns, long? limit = null)
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

    /// <inheritdoc />
    public void Dispose() { }

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
