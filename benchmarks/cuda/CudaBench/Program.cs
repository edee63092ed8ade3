using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;

// CudaBench MODEL_FOLDER [--rows N] [--block N] [--passes N] [--allow-cpu]
// Encode and decode rows/s of the ML.NET chain (VaeEncode, VaeDecode) on the CPU and on CUDA, in one process with one
// ONNX Runtime build (the CUDA build also has the CPU provider), and the largest CUDA-vs-CPU difference of mu, logvar and
// x_hat. Without --allow-cpu a CUDA provider that cannot start is an error (strict mode, refused by VaeModel.Load).
var model = args[0];
int rows = Option("--rows", 65_536), block = Option("--block", 1024), passes = Option("--passes", 5);
bool allowCpu = args.Contains("--allow-cpu");

var ml = new MLContext(seed: 1);
var warnings = new List<string>();
var cpu = VaeModel.Load(model, new VaeSessionOptions { Provider = VaeExecutionProvider.Cpu, BlockSize = block });
var cuda = VaeModel.Load(model, new VaeSessionOptions { Provider = VaeExecutionProvider.Cuda, BlockSize = block, AllowCpuFallback = allowCpu, Log = warnings.Add });

// Inputs that need no data set: z from the prior, and x = the CPU decoder's images of other prior draws.
var z = cpu.SamplePrior(ml, rows, seed: 1, columnName: "Z");
var x = Column(Decode(cpu, cpu.SamplePrior(ml, rows, seed: 2, columnName: "Z")), "Image", cpu.InputDim);
var xView = View(x, cpu.InputDim, "Features");

var result = new Dictionary<string, object?>
{
    ["model"] = Path.GetFullPath(model), ["rows"] = rows, ["block"] = block, ["passes"] = passes,
    ["cuda_provider"] = cuda.ExecutionProvider.ToString(), ["cuda_warning"] = warnings.FirstOrDefault(),
    ["machine"] = $"{Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}",
};
foreach (var (name, vae) in new[] { ("cpu", cpu), ("cuda", cuda) })
{
    using var encoder = ml.Transforms.VaeEncode(vae, inputColumn: "Features").Fit(xView);
    using var decoder = ml.Transforms.VaeDecode(vae, zColumn: "Z", outputColumn: "Image").Fit(z);
    result[$"encode_rows_per_s_{name}"] = Best(() => Drain(encoder.Transform(xView), "Mu", "LogVar"));
    result[$"decode_rows_per_s_{name}"] = Best(() => Drain(decoder.Transform(z), "Image"));
}
// Parity on the first 4,096 rows: the same inputs through both providers.
int check = Math.Min(rows, 4096);
var xCheck = View(x.Take(check).ToArray(), cpu.InputDim, "Features");
var zCheck = ml.Data.TakeRows(z, check);
foreach (var column in new[] { "Mu", "LogVar" })
    result[$"max_abs_diff_{column.ToLowerInvariant()}"] = MaxDiff(Encode(cpu, xCheck, column), Encode(cuda, xCheck, column));
result["max_abs_diff_x_hat"] = MaxDiff(Column(Decode(cpu, zCheck), "Image", cpu.InputDim), Column(Decode(cuda, zCheck), "Image", cpu.InputDim));
result["cuda_vs_cpu_encode"] = (double)result["encode_rows_per_s_cuda"]! / (double)result["encode_rows_per_s_cpu"]!;
result["cuda_vs_cpu_decode"] = (double)result["decode_rows_per_s_cuda"]! / (double)result["decode_rows_per_s_cpu"]!;
Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
return;

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

// Best rows/s of several passes after one warm-up pass (sessions and fitted transformers are made once, outside the clock).
double Best(Action pass)
{
    pass();
    double best = 0;
    for (int p = 0; p < passes; p++)
    {
        var clock = Stopwatch.StartNew();
        pass();
        best = Math.Max(best, rows / clock.Elapsed.TotalSeconds);
    }
    return best;
}

// Reads every value of the columns, as an app that consumes the output would.
static void Drain(IDataView view, params string[] columns)
{
    var cols = columns.Select(c => view.Schema[c]).ToArray();
    using var cursor = view.GetRowCursor(cols);
    var getters = cols.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
    var buffer = default(VBuffer<float>);
    while (cursor.MoveNext())
        foreach (var get in getters) get(ref buffer);
}

float[][] Encode(VaeModel vae, IDataView view, string column)
{
    using var t = ml.Transforms.VaeEncode(vae, inputColumn: "Features").Fit(view);
    return Column(t.Transform(view), column, vae.LatentDim);
}

IDataView Decode(VaeModel vae, IDataView view)
{
    using var t = ml.Transforms.VaeDecode(vae, zColumn: "Z", outputColumn: "Image").Fit(view);
    var images = Column(t.Transform(view), "Image", vae.InputDim);
    return View(images, vae.InputDim, "Image");
}

static float[][] Column(IDataView view, string column, int size) =>
    view.GetColumn<VBuffer<float>>(column).Select(v => { var a = v.DenseValues().ToArray(); if (a.Length != size) throw new InvalidDataException($"{column}: {a.Length} values, expected {size}"); return a; }).ToArray();

IDataView View(float[][] data, int size, string column)
{
    var schema = SchemaDefinition.Create(typeof(Row));
    schema[0].ColumnName = column;
    schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
    return ml.Data.LoadFromEnumerable(data.Select(d => new Row { Values = d }).ToList(), schema);
}

static double MaxDiff(float[][] a, float[][] b) => a.Zip(b).Max(p => p.First.Zip(p.Second).Max(q => (double)Math.Abs(q.First - q.Second)));

sealed class Row
{
    public float[] Values { get; set; } = [];
}
