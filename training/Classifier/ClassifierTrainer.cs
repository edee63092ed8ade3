using TorchSharp;
using VaeOnnx.Training.Data;
using VaeOnnx.Training.Evaluation;
using VaeOnnx.Training.Trainer;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Classifier;

/// <summary>
/// Trains <see cref="ImageClassifier"/> with cross-entropy and Adam (no augmentation, no dropout), with the seeded
/// per-epoch shuffle of the VAE trainer, and reports its accuracy on a held-out split after every epoch.
/// </summary>
public static class ClassifierTrainer
{
    /// <summary>Trains a classifier on <paramref name="train"/> (rows of pixels in [0,1] with labels) and measures it on <paramref name="test"/>.</summary>
    public static (ImageClassifier Model, IReadOnlyList<double> TestAccuracy) Train(VaeDataset train, VaeDataset test, ClassifierOptions options,
        IProgress<(int Epoch, double TestAccuracy)>? progress = null)
    {
        var shape = train.ImageShape ?? throw new ArgumentException($"{train.Source}: the classifier needs image rows ([C,H,W])");
        if (shape[0] != 1) throw new ArgumentException($"{train.Source}: images have {shape[0]} channels; the classifier takes one");
        var labels = train.Labels ?? throw new ArgumentException($"{train.Source}: the classifier needs a label per image");
        if (options.Threads > 0) set_num_threads(options.Threads);
        manual_seed(options.Seed);
        int classes = Math.Max(labels.Max(), test.Labels?.Max() ?? 0) + 1;
        var model = new ImageClassifier(shape[1], shape[2], classes);
        try
        {
            using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
            using var x = VaeEvaluator.AsTensor(train);
            using var y = VaeEvaluator.LabelTensor(train);
            using var generator = new Generator((ulong)options.Seed);
            var accuracy = new List<double>();
            int rows = train.Rows, batch = Math.Min(options.BatchSize, rows), steps = (rows + batch - 1) / batch;
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                model.train();
                generator.manual_seed(VaeTrainer.StreamSeed(options.Seed, epoch, -1));
                using var permutation = randperm(rows, generator: generator);
                for (int step = 0; step < steps; step++)
                {
                    using var scope = NewDisposeScope();
                    int start = step * batch, n = Math.Min(batch, rows - start);
                    var index = permutation.narrow(0, start, n);
                    optimizer.zero_grad();
                    var (logits, _) = model.forward(x.index_select(0, index));
                    var loss = nn.functional.cross_entropy(logits, y.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                }
                accuracy.Add(Accuracy(model, test));
                progress?.Report((epoch, accuracy[^1]));
            }
            return (model, accuracy);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Fraction of <paramref name="data"/>'s rows whose most likely class is their label.</summary>
    public static double Accuracy(ImageClassifier model, VaeDataset data, int batchSize = 2000)
    {
        var labels = data.Labels ?? throw new ArgumentException($"{data.Source}: accuracy needs a label per image");
        model.eval();
        using var noGrad = no_grad();
        using var all = VaeEvaluator.AsTensor(data);
        long correct = 0;
        for (int start = 0; start < data.Rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Rows - start);
            var predicted = model.forward(all.narrow(0, start, n)).Logits.argmax(1).data<long>().ToArray();
            for (int i = 0; i < n; i++) if (predicted[i] == labels[start + i]) correct++;
        }
        return (double)correct / data.Rows;
    }
}
