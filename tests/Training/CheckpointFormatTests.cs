using System.Text.Json.Nodes;
using VaeOnnx.Training.Checkpoints;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Training;

/// <summary>Damaged checkpoints fail with <see cref="CheckpointFormatException"/> naming the file and the field, and cheaply.</summary>
[TestClass]
public sealed class CheckpointFormatTests
{
    private static readonly VaeArchitecture Architecture = new() { InputShape = [8], Hidden = [6], LatentDim = 2 };

    private static readonly Lazy<(string Folder, string Json, byte[] Weights, string WeightsFile)> Trained = new(() =>
    {
        var folder = RepoPaths.NewTempFolder("ckpt-format");
        var result = new VaeTrainer(new TrainingOptions { Epochs = 1, Threads = 1 }).Train(Architecture, SyntheticData.Split(200, 50, 8), folder);
        result.Model.Dispose();
        return (folder, File.ReadAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName)),
            File.ReadAllBytes(Path.Combine(folder, result.Checkpoint.WeightsFile)), result.Checkpoint.WeightsFile);
    });

    /// <summary>A copy of the trained checkpoint whose checkpoint.json is edited by <paramref name="edit"/>.</summary>
    private static string Edited(Action<JsonObject> edit)
    {
        var (source, json, weights, weightsFile) = Trained.Value;
        var folder = RepoPaths.NewTempFolder("ckpt-edit");
        foreach (var file in Directory.GetFiles(source, "*.bin")) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        File.WriteAllText(Path.Combine(folder, VaeCheckpoint.InfoFileName), root.ToJsonString());
        return folder;
    }

    private static void AssertRejected(string folder, string expected)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder).Model.Dispose());
        StringAssert.Contains(e.Message, folder);
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    [DataRow("architecture", "field 'architecture' is missing, null or invalid")]
    [DataRow("training", "field 'training' is missing, null or invalid")]
    [DataRow("scaling", "field 'scaling' is missing, null or invalid")]
    [DataRow("dataset", "field 'dataset' is missing, null or invalid")]
    [DataRow("metrics", "field 'metrics' is missing, null or invalid")]
    [DataRow("weights_file", "field 'weights_file' is ''")]
    [DataRow("optimizer_file", "field 'optimizer_file' is ''")]
    [DataRow("created_utc", "field 'created_utc' is missing, null or invalid")]
    [DataRow("dataset.name", "field 'dataset.name' is missing, null or invalid")]
    [DataRow("dataset.source", "field 'dataset.source' is missing, null or invalid")]
    [DataRow("dataset.format", "at $.dataset.format (line 1): Null where a text is expected: one of idx or csv")]
    [DataRow("architecture.hidden", "architecture field 'hidden' must list at least one positive layer size")]
    [DataRow("architecture.input_shape", "architecture field 'input_shape' must be positive dims")]
    [DataRow("architecture.kind", "at $.architecture.kind (line 1): Null where a text is expected: one of mlp or conv")]
    [DataRow("scaling.offset", "field 'scaling': offset/scale have 0/8 values; expected 8")]
    public void NullFieldsNameTheFileAndTheField(string field, string expected)
    {
        var folder = Edited(root =>
        {
            var parts = field.Split('.');
            var owner = parts.Length == 1 ? root : root[parts[0]]!.AsObject();
            owner[parts[^1]] = null;
        });
        AssertRejected(folder, Path.Combine(folder, VaeCheckpoint.InfoFileName));
        AssertRejected(folder, expected);
    }

    [TestMethod]
    public void InconsistentPositionFieldsAreNamed()
    {
        AssertRejected(Edited(root => root["metrics"] = new JsonArray()), "field 'metrics' has 0 entries but 'epoch' is 1");
        AssertRejected(Edited(root => root["best_epoch"] = 2), "field 'best_epoch' is 2; expected a completed epoch, 1 to 1");
        AssertRejected(Edited(root => root["best_epoch"] = 0), "field 'best_epoch' is 0");
        AssertRejected(Edited(root => root["best_weights_file"] = "../elsewhere.bin"), "field 'best_weights_file' is '../elsewhere.bin'");
        AssertRejected(Edited(root => root["metrics"]!.AsArray()[0] = null), "field 'metrics' is missing, null or invalid");
        AssertRejected(Edited(root => root["dataset"]!["feature_names"] = new JsonArray("a", "b")), "field 'dataset.feature_names'");
        AssertRejected(Edited(root => root["stop_reason"] = "exploded"), "at $.stop_reason (line 1): 'exploded' is not a StopReason; expected completed, early_stopping or interrupted");
    }

    [TestMethod]
    [DataRow("hidden", "[2000000000]")]
    [DataRow("hidden", "[6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6]")]
    [DataRow("latent_dim", "1000000000")]
    [DataRow("input_shape", "[100000,100000,100000]")]
    [DataRow("input_shape", "[65536,65536]")]
    public void OversizedArchitectureIsRefusedBeforeTorchSharpBuildsIt(string field, string value)
    {
        // Building any of these would allocate gigabytes natively (or overflow); the weights file's length refuses them first.
        var folder = Edited(root => root["architecture"]![field] = JsonNode.Parse(value));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder).Model.Dispose());
        Assert.IsTrue(GC.GetAllocatedBytesForCurrentThread() - before < 2_000_000);
        StringAssert.Contains(e.Message, Path.Combine(folder, VaeCheckpoint.InfoFileName));
        Assert.IsTrue(e.Message.Contains("field 'architecture' describes") || e.Message.Contains("architecture field 'input_shape'"), e.Message);
        if (field != "input_shape")
            StringAssert.Contains(e.Message, $"holds {Trained.Value.Weights.Length:N0} bytes");
    }

    [TestMethod]
    public void DamagedLengthsInTheWeightsFileAreRefusedWithoutAllocatingThem()
    {
        var (_, _, weights, weightsFile) = Trained.Value;
        // Byte 0 is the entry count; byte 1 starts the 7-bit length of the first name ("decoder_logvar", 14 bytes).
        Assert.AreEqual(14, weights[1]);
        var cases = new Dictionary<string, (int Offset, byte[] Bytes, string Expected)>
        {
            ["name length 2^31-1"] = (1, [0xFF, 0xFF, 0xFF, 0xFF, 0x07], "byte 1, in the header of tensor 'decoder_logvar'"),
            ["entry count"] = (0, [0x7F], "byte 0, in the header of tensor 'decoder_logvar'"),
            ["a shape"] = (1 + 1 + 14 + 2, [0x7F], "byte 18, in the header of tensor 'decoder_logvar'"),
            ["the second name"] = (1 + 1 + 14 + 3 + 8 * 4 + 1, [(byte)'X'], "in the header of tensor 'encoder.body.fc1.weight'"),
        };
        foreach (var (name, (offset, bytes, expected)) in cases)
        {
            var folder = Edited(_ => { });
            var damaged = weights.ToArray();
            bytes.CopyTo(damaged, offset);
            var path = Path.Combine(folder, weightsFile);
            File.WriteAllBytes(path, damaged);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.Load(folder).Model.Dispose(), name);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            StringAssert.Contains(e.Message, path, name);
            StringAssert.Contains(e.Message, expected, name);
            Assert.IsTrue(allocated < 64L * weights.Length + 200_000, $"{name}: allocated {allocated:N0} bytes for a {weights.Length}-byte file");
        }

        // Damage confined to the numbers loads: the weights are data, not structure.
        var dataOnly = Edited(_ => { });
        var changed = weights.ToArray();
        BitConverter.GetBytes(0.5f).CopyTo(changed, 1 + 1 + 14 + 3);
        File.WriteAllBytes(Path.Combine(dataOnly, weightsFile), changed);
        var (_, model) = VaeCheckpoint.Load(dataOnly);
        using (model) Assert.AreEqual(0.5f, model.decoder_logvar.data<float>()[0]);
    }

    [TestMethod]
    public void DamagedOptimizerStateIsRefusedBeforeTorchSharpReadsIt()
    {
        // A damaged shape in the Adam state used to crash the test host (a native fault while loading, on --resume).
        var (source, _, _, _) = Trained.Value;
        var info = VaeCheckpoint.ReadInfo(source);
        var valid = File.ReadAllBytes(Path.Combine(source, info.OptimizerFile));
        var (_, model) = VaeCheckpoint.Load(source);
        using (model)
        {
            var folder = Edited(_ => { });
            var path = Path.Combine(folder, info.OptimizerFile);
            var random = new Random(5);
            int rejected = 0, loaded = 0;
            for (int i = 0; i < 1500; i++)
            {
                var damaged = valid.ToArray();
                int at = random.Next(damaged.Length), length = random.Next(1, 5);
                for (int k = 0; k < length && at + k < damaged.Length; k++) damaged[at + k] = (byte)random.Next(256);
                if (i % 10 == 9) damaged = damaged[..random.Next(damaged.Length)];
                File.WriteAllBytes(path, damaged);
                using var optimizer = TorchSharp.torch.optim.Adam(model.parameters().Where(p => p.requires_grad), info.Training.LearningRate,
                    info.Training.AdamBeta1, info.Training.AdamBeta2, info.Training.AdamEps);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    VaeCheckpoint.LoadOptimizer(folder, info, optimizer);
                    loaded++;
                }
                catch (CheckpointFormatException e)
                {
                    StringAssert.Contains(e.Message, path);
                    rejected++;
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.IsTrue(allocated < 64L * valid.Length + 200_000, $"case {i}: allocated {allocated:N0} bytes for a {damaged.Length}-byte file");
            }
            Assert.IsTrue(rejected > 300 && loaded > 300, $"{rejected} rejected, {loaded} loaded (damage to the moments and step counts only)");

            // The shape of the first exp_avg: after "Adam", the two counts, one group's options (50 bytes) and a step count.
            var shape = valid.ToArray();
            int first = 1 + 4 + 1 + 1 + 50 + 8;
            Assert.AreEqual(6, shape[first], "float32 element type of exp_avg");
            shape[first + 2] = 0x7F;
            File.WriteAllBytes(path, shape);
            using var adam = TorchSharp.torch.optim.Adam(model.parameters().Where(p => p.requires_grad), info.Training.LearningRate);
            var e2 = Assert.Throws<CheckpointFormatException>(() => VaeCheckpoint.LoadOptimizer(folder, info, adam));
            StringAssert.Contains(e2.Message, $"byte {first + 2}, in the header of exp_avg of parameter 1");
        }
    }

    [TestMethod]
    public void ParameterCountIsComputedWithoutBuildingTheModel()
    {
        VaeArchitecture[] cases =
        [
            new() { InputShape = [8], Hidden = [6], LatentDim = 2 },
            new() { InputShape = [784], Hidden = [400], LatentDim = 20 },
            new() { InputShape = [5], Hidden = [16, 9, 4], LatentDim = 3, Likelihood = Likelihood.Gaussian },
            new() { Kind = ModelKind.Conv, InputShape = [1, 28, 28], Hidden = [64], LatentDim = 4, ConvChannels = [8, 16] },
            new() { Kind = ModelKind.Conv, InputShape = [3, 8, 12], Hidden = [24, 10], LatentDim = 3, ConvChannels = [4, 6] },
        ];
        foreach (var arch in cases)
        {
            using var model = new VariationalAutoencoder(arch);
            long built = model.parameters().Sum(p => p.numel());
            Assert.AreEqual(built, arch.ParameterCount(), $"{arch.Kind} [{string.Join(",", arch.InputShape)}] hidden [{string.Join(",", arch.Hidden)}]");
        }
        // The classic Fashion-MNIST model: 784-400-20 encoder, mirrored decoder, 784 log-variances.
        Assert.AreEqual(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784 + 784, cases[1].ParameterCount());
        Assert.AreEqual(long.MaxValue, new VaeArchitecture { InputShape = [int.MaxValue], Hidden = [int.MaxValue, int.MaxValue, int.MaxValue], LatentDim = 2 }.ParameterCount());
    }
}
