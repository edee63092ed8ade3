using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Inference;

// Scoring.dll MODEL_FOLDER ROWS.csv OUT.csv [cuda]: rows of D numbers in; one line per row out: mu (L), logvar (L), score,
// recon, kl, sqerr. With "cuda" it asks for CUDA with the CPU fallback, then strictly. Facts go to stdout as "key: value" lines.
bool cuda = args.Length > 3 && args[3] == "cuda";
Console.WriteLine($"providers: {string.Join(" ", OrtEnv.Instance().GetAvailableProviders())}");
var warnings = new List<string>();
var options = new VaeSessionOptions { Provider = cuda ? VaeExecutionProvider.Cuda : VaeExecutionProvider.Cpu, Log = warnings.Add };
var vae = VaeModel.Load(args[0], options);
Console.WriteLine($"provider: {vae.ExecutionProvider}");
Console.WriteLine($"assembly: {typeof(VaeModel).Assembly.Location}");

var rows = File.ReadLines(args[1])
    .Select(line => new Row { Features = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() })
    .ToList();
var ml = new MLContext(seed: 1);
var schema = SchemaDefinition.Create(typeof(Row));
schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, vae.InputDim);
IDataView data = ml.Data.LoadFromEnumerable(rows, schema);

using (var encoder = ml.Transforms.VaeEncode(vae, inputColumn: "Features", muColumn: "Mu", logVarColumn: "LogVar").Fit(data))
using (var scorer = ml.Transforms.VaeAnomalyScore(vae, inputColumn: "Features", scoreColumn: "Score").Fit(data))
using (var output = new StreamWriter(args[2]))
{
    var encoded = encoder.Transform(data);
    var mu = encoded.GetColumn<VBuffer<float>>("Mu").ToArray();
    var logVar = encoded.GetColumn<VBuffer<float>>("LogVar").ToArray();
    var scored = scorer.Transform(data);
    var parts = new[] { "Score", "Score_recon", "Score_kl", "Score_sqerr" }.Select(p => scored.GetColumn<float>(p).ToArray()).ToArray();
    for (int r = 0; r < rows.Count; r++)
    {
        var values = mu[r].DenseValues().Concat(logVar[r].DenseValues()).Concat(parts.Select(p => p[r]));
        output.WriteLine(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }
}
Console.WriteLine($"rows: {rows.Count}");
Console.WriteLine($"warnings: {warnings.Count}");
foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");

if (cuda)
{
    try
    {
        var strict = VaeModel.Load(args[0], options with { AllowCpuFallback = false, Log = null });
        Console.WriteLine($"strict: loaded on {strict.ExecutionProvider}");
    }
    catch (VaeModelLoadException e)
    {
        Console.WriteLine($"strict: refused: {e.Message}");
    }
}

sealed class Row
{
    public float[] Features { get; set; } = [];
}
