using Microsoft.ML;
using VaeOnnx.Trainers;

// Trains a VAE anomaly detector inside ML.NET on a generated table of orders, evaluates it on labelled rows next to the
// RandomizedPca pipeline it replaces, saves the ML.NET model and prints the command that serves the ONNX pair it wrote.
var ml = new MLContext(seed: 1);
var folder = Path.GetFullPath(args.Length > 0 ? args[0] : "anomaly-trainer-out");
var train = ml.Data.LoadFromEnumerable(Orders.Generate(2000, seed: 1, anomalies: 0));
var test = ml.Data.LoadFromEnumerable(Orders.Generate(1000, seed: 2, anomalies: 20));

var trainer = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyTrainer.Options
{
    Epochs = 30, FalseAlarmRate = 0.01, ModelFolder = Path.Combine(folder, "model"),
    Progress = new Progress<VaeOnnx.Training.Trainer.TrainingProgress>(p =>
    {
        if (p.Completed is not null) Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F3}  {p.Eta.TotalSeconds:F0} s left");
    }),
});
using var detector = trainer.Fit(train);

var metrics = ml.AnomalyDetection.Evaluate(detector.Transform(test));
Console.WriteLine($"AUC {metrics.AreaUnderRocCurve:F3}, detection rate at the false-alarm count {metrics.DetectionRateAtFalsePositiveCount:F3}, threshold {detector.Threshold:F2}");

// The pipeline it replaces: randomized PCA on the normalised numeric columns (the text and flag columns need encoding first).
var pca = ml.Transforms.Conversion.ConvertType([new("QuantityF", "Quantity"), new("UnitPriceF", "UnitPrice"), new("ExpressF", "Express")], Microsoft.ML.Data.DataKind.Single)
    .Append(ml.Transforms.Categorical.OneHotEncoding("CountryCode", "Country"))
    .Append(ml.Transforms.Concatenate("Features", "CountryCode", "ExpressF", "QuantityF", "UnitPriceF", "Weight"))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(ml.AnomalyDetection.Trainers.RandomizedPca("Features", rank: 4, seed: 1))
    .Fit(train);
Console.WriteLine($"RandomizedPca on the same rows: AUC {ml.AnomalyDetection.Evaluate(pca.Transform(test)).AreaUnderRocCurve:F3}");

var zip = Path.Combine(folder, "orders-detector.zip");
ml.Model.Save(detector, train.Schema, zip);
Console.WriteLine($"ML.NET model: {zip} (VaeModel.LoadChain reloads it)");
Console.WriteLine($"serve the pair: dotnet run --project serving -c Release -- --model {detector.ModelFolder} --urls http://127.0.0.1:5080");
