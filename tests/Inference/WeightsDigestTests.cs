using Google.Protobuf;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Cli;

namespace VaeOnnx.Tests.Inference;

/// <summary>
/// Weights digests: our exports record one per graph, every load recomputes both and refuses a changed file naming it,
/// pairs without digests (other tools, exports made before digests) load with one information note.
/// </summary>
[TestClass]
public sealed class WeightsDigestTests
{
    private const string Key = VaeMetadataKeys.WeightsDigest;

    [TestMethod]
    public void ExportsRecordADigestOfEachGraphThatEveryLoadChecks()
    {
        var encoder = OnnxFile.Read(Path.Combine(ModelPairs.Image, "encoder.onnx"));
        var decoder = OnnxFile.Read(Path.Combine(ModelPairs.Image, "decoder.onnx"));
        foreach (var graph in new[] { encoder, decoder })
        {
            Assert.IsTrue(WeightsDigest.IsWellFormed(graph.Metadata[Key]), graph.Metadata[Key]);
            Assert.AreEqual(graph.WeightsDigest, graph.Metadata[Key], graph.Path);
        }
        Assert.AreNotEqual(encoder.WeightsDigest, decoder.WeightsDigest);

        var notes = new List<string>();
        var model = VaeModel.Load(ModelPairs.Image, new VaeSessionOptions { Log = notes.Add });
        Assert.IsTrue(model.WeightsVerified);
        Assert.IsNull(model.LoadNote);
        Assert.AreEqual(0, notes.Count, string.Join("\n", notes));
        Assert.AreEqual((encoder.WeightsDigest, decoder.WeightsDigest), (model.EncoderWeightsDigest, model.DecoderWeightsDigest));
        Assert.IsFalse(model.GraphsAdapted, "our own graphs run exactly as written");

        var verify = CliRun.Invoke("verify", "--model", ModelPairs.Image);
        Assert.AreEqual(0, verify.ExitCode, verify.ToString());
        StringAssert.Contains(verify.Output, $"weights digest {encoder.WeightsDigest} matches");
        StringAssert.Contains(verify.Output, "verified: both graphs are as exported");
    }

    [TestMethod]
    [DataRow("encoder.onnx")]
    [DataRow("decoder.onnx")]
    public void FortyBitFlipsInTheWeightsAreRefusedNamingTheFile(string file)
    {
        var folder = Copy(ModelPairs.Image);
        var path = Path.Combine(folder, file);
        var bytes = File.ReadAllBytes(path);
        var recorded = OnnxFile.Read(path).Metadata[Key];
        var weights = ModelProto.Parser.ParseFrom(bytes).Graph.Initializer.MaxBy(t => t.RawData.Length)!.RawData;
        int start = bytes.AsSpan().IndexOf(weights.Span[..64]);
        Assert.IsGreaterThan(0, start);
        var random = new Random(40);
        foreach (var bit in Enumerable.Range(0, weights.Length * 8).OrderBy(_ => random.Next()).Take(40))
            bytes[start + bit / 8] ^= (byte)(1 << (bit % 8));
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(folder));
        StringAssert.StartsWith(e.Message, $"{path}: weights digest mismatch: metadata '{Key}' records {recorded} but the file's weights and nodes hash to sha256:");
        StringAssert.Contains(e.Message, "the file changed after export");
        var verify = CliRun.Invoke("verify", "--model", folder);
        Assert.AreEqual(1, verify.ExitCode, verify.ToString());
        Assert.AreEqual($"error: {e.Message}", verify.Error.Trim(), "vae verify and the loader give the same verdict");
        StringAssert.Contains(verify.Output, $"DIFFERS from the recorded {recorded}");
        var inspect = CliRun.Invoke("inspect", "--model", folder);
        Assert.AreEqual(1, inspect.ExitCode);
        StringAssert.Contains(inspect.Output, "pair: does not load: " + e.Message);
    }

    [TestMethod]
    public void TheDigestCoversNodesButNotMetadataOrTheOrderOfInitializers()
    {
        // Relu -> Tanh keeps every shape: without nodes in the digest the pair would load and score other numbers.
        var tanh = Edited(ModelPairs.Tabular, "encoder.onnx", m => m.Graph.Node.First(n => n.OpType == "Relu").OpType = "Tanh");
        StringAssert.Contains(Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(tanh)).Message, "weights digest mismatch");

        var renamed = Edited(ModelPairs.Tabular, "encoder.onnx", m => m.MetadataProps.Single(p => p.Key == VaeMetadataKeys.Dataset).Value = "renamed");
        Assert.IsTrue(VaeModel.Load(renamed).WeightsVerified, "metadata is checked by its own readers, not by the digest");

        var reordered = Edited(ModelPairs.Tabular, "decoder.onnx", m =>
        {
            var initializers = m.Graph.Initializer.Reverse().ToArray();
            m.Graph.Initializer.Clear();
            m.Graph.Initializer.AddRange(initializers);
        });
        Assert.IsTrue(VaeModel.Load(reordered).WeightsVerified, "initializers are digested in name order");
        Assert.AreEqual(OnnxFile.Read(Path.Combine(ModelPairs.Tabular, "decoder.onnx")).WeightsDigest, OnnxFile.Read(Path.Combine(reordered, "decoder.onnx")).WeightsDigest);
    }

    [TestMethod]
    public void ADigestInOneGraphOnlyOrAMalformedDigestIsRefused()
    {
        var half = Edited(ModelPairs.Tabular, "decoder.onnx", Strip);
        var e = Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(half));
        Assert.AreEqual($"{Path.Combine(half, "decoder.onnx")}: has no weights digest (metadata '{Key}') but {Path.Combine(half, "encoder.onnx")} has one; every VaeOnnx export writes one into both graphs, so this file's metadata was damaged or edited: restore the exported file or export the pair again", e.Message);

        var malformed = Edited(ModelPairs.Tabular, "encoder.onnx", m => m.MetadataProps.Single(p => p.Key == Key).Value = "sha256:xyz");
        Assert.AreEqual($"{Path.Combine(malformed, "encoder.onnx")}: metadata '{Key}' is 'sha256:xyz'; expected 'sha256:' and 64 lowercase hex digits",
            Assert.Throws<VaeModelLoadException>(() => VaeModel.Load(malformed)).Message);
    }

    [TestMethod]
    public void PairsWithoutDigestsLoadWithOneInformationNote()
    {
        var earlier = Edited(ModelPairs.Image, "encoder.onnx", Strip, "decoder.onnx");
        var notes = new List<string>();
        var model = VaeModel.Load(earlier, new VaeSessionOptions { Log = notes.Add });
        Assert.IsFalse(model.WeightsVerified);
        Assert.AreEqual(1, notes.Count, string.Join("\n", notes));
        Assert.AreEqual($"{earlier}: exported by VaeOnnx before weights digests (no metadata '{Key}'), so its weights were not checked; 'vae verify --model DIR --stamp' records digests of the files as they are now", notes[0]);
        Assert.AreEqual(notes[0], model.LoadNote);

        var csv = Path.Combine(RepoPaths.NewTempFolder("note"), "draws.csv");
        var sample = CliRun.Invoke("sample", "--model", earlier, "--count", "3", "--output", csv);
        Assert.AreEqual(0, sample.ExitCode, sample.ToString());
        Assert.AreEqual(1, sample.Error.Split('\n').Count(l => l.StartsWith("note: ", StringComparison.Ordinal)), sample.Error);

        notes.Clear();
        Assert.IsFalse(VaeModel.Load(ModelPairs.Foreign, new VaeSessionOptions { Log = notes.Add }).WeightsVerified);
        Assert.AreEqual(1, notes.Count, string.Join("\n", notes));
        StringAssert.Contains(notes[0], "a pair from another tool (producer 'pytorch') carries no weights digest");

        var verify = CliRun.Invoke("verify", "--model", ModelPairs.Foreign);
        Assert.AreEqual(1, verify.ExitCode, verify.ToString());
        StringAssert.StartsWith(verify.Error, "error: cannot verify: ");
        StringAssert.Contains(verify.Output, "none recorded");
    }

    [TestMethod]
    public void StampRecordsDigestsInAnEarlierExportWithoutChangingAnyOtherByte()
    {
        var earlier = Edited(ModelPairs.Tabular, "encoder.onnx", Strip, "decoder.onnx");
        File.Copy(Path.Combine(ModelPairs.Tabular, ModelCard.FileName), Path.Combine(earlier, ModelCard.FileName));
        var before = new[] { "encoder.onnx", "decoder.onnx" }.Select(f => File.ReadAllBytes(Path.Combine(earlier, f))).ToArray();

        var stamp = CliRun.Invoke("verify", "--model", earlier, "--stamp");
        Assert.AreEqual(0, stamp.ExitCode, stamp.ToString());
        StringAssert.Contains(stamp.Output, "verified: both graphs are as exported");
        for (int i = 0; i < 2; i++)
        {
            var path = Path.Combine(earlier, i == 0 ? "encoder.onnx" : "decoder.onnx");
            var after = File.ReadAllBytes(path);
            CollectionAssert.AreEqual(before[i], after[..before[i].Length], "the old file is a prefix of the stamped one");
            var appended = ModelProto.Parser.ParseFrom(after[before[i].Length..]);
            Assert.AreEqual(Key, appended.MetadataProps.Single().Key, "one metadata entry, and nothing else, was appended");
            Assert.AreEqual(OnnxFile.Read(path).WeightsDigest, appended.MetadataProps.Single().Value);
            Assert.AreEqual(after.LongLength, ModelCard.Read(Path.Combine(earlier, ModelCard.FileName)).FileBytes[i == 0 ? "encoder" : "decoder"], "model.json's sizes follow");
        }
        Assert.IsTrue(VaeModel.Load(earlier).WeightsVerified);
        Assert.AreEqual(0, CliRun.Invoke("verify", "--model", earlier).ExitCode);

        var foreign = CliRun.Invoke("verify", "--model", ModelPairs.Foreign, "--stamp");
        Assert.AreEqual(1, foreign.ExitCode, foreign.ToString());
        StringAssert.Contains(foreign.Error, "no VaeOnnx metadata: a pair from another tool; --stamp records digests only in VaeOnnx exports made before digests");

        var changed = Edited(ModelPairs.Tabular, "encoder.onnx", m => m.Graph.Node.First(n => n.OpType == "Relu").OpType = "Tanh");
        var refused = CliRun.Invoke("verify", "--model", changed, "--stamp");
        Assert.AreEqual(1, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Error, "weights digest mismatch");
    }

    private static void Strip(ModelProto model)
    {
        var entry = model.MetadataProps.Single(p => p.Key == Key);
        model.MetadataProps.Remove(entry);
    }

    private static string Copy(string folder)
    {
        var copy = RepoPaths.NewTempFolder("digest");
        foreach (var name in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(folder, name), Path.Combine(copy, name));
        return copy;
    }

    private static string Edited(string folder, string file, Action<ModelProto> edit, string? alsoFile = null)
    {
        var copy = Copy(folder);
        foreach (var name in alsoFile is null ? [file] : new[] { file, alsoFile })
        {
            var path = Path.Combine(copy, name);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            edit(model);
            File.WriteAllBytes(path, model.ToByteArray());
        }
        return copy;
    }
}
