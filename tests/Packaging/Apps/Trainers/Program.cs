using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using VaeOnnx.Inference;
using VaeOnnx.Trainers;

// Trainers.dll TRAIN.csv TEST.csv OUT_FOLDER: fits mlContext.AnomalyDetection.Trainers.Vae on the Single columns of TRAIN.csv
// (a header, then a..e and Label), evaluates on TEST.csv, saves the ML.NET model, reloads it with VaeModel.LoadChain and
// prints what the test checks as "key: value" lines; OUT_FOLDER/scores.csv gets the test rows' scores.
var ml = new MLContext(seed: 1);
int epochLines = 0;
ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Info && e.Source == "VaeAnomalyTrainer; Fit" && e.Message.Contains("] epoch ")) epochLines++; };
var columns = new[] { "a", "b", "c", "d", "e", "Label" }.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)).ToArray();
var loader = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true);
var train = loader.Load(args[0]);
var test = loader.Load(args[1]);

var trainer = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyTrainer.Options
{
    Epochs = 50, Seed = 1, Hidden = [64, 32], LatentDim = 4, LabelColumnName = "Label", ModelFolder = Path.Combine(args[2], "model"),
});
using var detector = trainer.Fit(train);
var scored = detector.Transform(test);
var metrics = ml.AnomalyDetection.Evaluate(scored);
var scores = scored.GetColumn<float>("Score").ToArray();

var zip = Path.Combine(args[2], "detector.zip");
ml.Model.Save(detector, test.Schema, zip);
var reloaded = VaeModel.LoadChain(ml, zip, out _);
var again = reloaded.Transform(test).GetColumn<float>("Score").ToArray();
(reloaded as IDisposable)?.Dispose();
double worst = scores.Zip(again, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
File.WriteAllLines(Path.Combine(args[2], "scores.csv"), scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));

Console.WriteLine($"table: {detector.Model.IsTable}");
Console.WriteLine($"columns: {string.Join(",", detector.Model.Table!.Columns.Select(c => c.Name))}");
Console.WriteLine(FormattableString.Invariant($"auc: {metrics.AreaUnderRocCurve:R}"));
Console.WriteLine(FormattableString.Invariant($"flagged: {scored.GetColumn<bool>("PredictedLabel").Count(f => f)} of {scores.Length}"));
Console.WriteLine(FormattableString.Invariant($"reload_max_diff: {worst:R}"));
Console.WriteLine($"epoch_log_lines: {epochLines}");
