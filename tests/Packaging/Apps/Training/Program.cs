using VaeOnnx.Contract;
using VaeOnnx.Export;
using VaeOnnx.Training.Trainer;

// Training.dll DATA.csv RUN_FOLDER MODEL_FOLDER: the snippet of training/README.md, with its paths as arguments.
var data = TrainingDataLoader.Load(new DataSourceOptions { Path = args[0] }, Likelihood.Gaussian);
var architecture = new VaeArchitecture { InputShape = [data.Train.FeatureCount], Hidden = [16], LatentDim = 2, Likelihood = Likelihood.Gaussian };
var trained = new VaeTrainer(new TrainingOptions { Epochs = 20, Seed = 1 }).Train(architecture, data, args[1]);
trained.Model.Dispose();
var export = VaeOnnxExporter.ExportCheckpoint(args[1], args[2], force: true);
Console.WriteLine($"{export.Folder}: parity {Math.Max(export.EncoderMaxAbsDiff, export.DecoderMaxAbsDiff):g3}");
