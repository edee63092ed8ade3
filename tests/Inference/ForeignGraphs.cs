using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Google.Protobuf;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Tests.Export;

namespace VaeOnnx.Tests.Inference;

/// <summary>
/// Pairs as other tools write them, made once per run: a PyTorch conv VAE exported by Debian's python3-torch with
/// torch.onnx.export (dynamic batch axes; the encoder ends in chunk(2, dim=1), so its latent sizes are symbolic; the
/// decoder returns [N,1,H,W] with symbolic H and W), and Keras-style pairs written with python3-onnx (three encoder
/// outputs z_mean, spread, z; images NHWC as tf2onnx writes them, or NCHW). Each folder holds the reference numbers the
/// exporting side computed, as float32 files: x (rows in the graph's layout), mu, logvar, xhat (decode of mu).
/// A missing python3-torch fails the tests that need it: .ci/run installs it, so a silent pass would hide a broken set-up.
/// </summary>
internal static class ForeignGraphs
{
    /// <summary>Rows of reference numbers per folder.</summary>
    public const int TorchRows = 3, KerasRows = 5;

    private static readonly Lazy<string> TorchRoot = new(ExportTorch);
    private static readonly ConcurrentDictionary<string, Lazy<string>> KerasFolders = new();

    /// <summary>A torch.onnx.export pair: "chunk" (outputs z_mean, z_log_var), "sigma" (mu, sigma = exp(logvar/2)), "sample" (z_mean, z_log_var, a sampled z).</summary>
    public static string Torch(string form) => Path.Combine(TorchRoot.Value, form);

    /// <summary>A Keras-style pair of 8x8 RGB images in <paramref name="layout"/> (nhwc or nchw) whose spread output is logvar, var, logstd or std.</summary>
    public static string Keras(string layout, string spread) =>
        KerasFolders.GetOrAdd($"{layout}-{spread}", _ => new Lazy<string>(() => WriteKeras(layout, spread))).Value;

    /// <summary>Reference numbers written by the exporting side.</summary>
    public static float[] Floats(string folder, string name) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, name + ".f32"))).ToArray();

    /// <summary>A copy of <paramref name="folder"/>'s two graphs with <paramref name="edit"/> applied to <paramref name="file"/>.</summary>
    public static string Edited(string folder, string file, Action<ModelProto> edit)
    {
        var copy = RepoPaths.NewTempFolder("edited");
        foreach (var name in new[] { "encoder.onnx", "decoder.onnx" }) File.Copy(Path.Combine(folder, name), Path.Combine(copy, name));
        var path = Path.Combine(copy, file);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        edit(model);
        File.WriteAllBytes(path, model.ToByteArray());
        return copy;
    }

    /// <summary>Renames a graph output, the node output that produces it and the node inputs that read it.</summary>
    public static void RenameOutput(ModelProto model, string from, string to)
    {
        foreach (var node in model.Graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from) node.Input[i] = to;
        }
        model.Graph.Output.Single(o => o.Name == from).Name = to;
    }

    private static string ExportTorch()
    {
        var root = RepoPaths.NewTempFolder("torch-export");
        var (code, output) = OnnxChecker.RunPython(TorchScript, root);
        if (output.Contains("No module named 'torch'"))
            Assert.Fail("python3-torch is not installed: the PyTorch export tests need it (.ci/run installs it with apt-get)");
        Assert.AreEqual(0, code, output);
        return root;
    }

    private static string WriteKeras(string layout, string spread)
    {
        var folder = RepoPaths.NewTempFolder($"keras-{layout}-{spread}");
        var (code, output) = OnnxChecker.RunPython(KerasScript, folder, layout, spread);
        Assert.AreEqual(0, code, output);
        return folder;
    }

    private const string TorchScript = """
        import os, sys, numpy as np, torch, torch.nn as nn
        root = sys.argv[1]
        L, ROWS = 6, 3
        class Encoder(nn.Module):
            def __init__(self, form):
                super().__init__()
                self.form = form
                self.conv = nn.Sequential(nn.Conv2d(1, 4, 4, 2, 1), nn.ReLU(), nn.Conv2d(4, 8, 4, 2, 1), nn.ReLU())
                self.fc = nn.Linear(8 * 7 * 7, 2 * L)
            def forward(self, image):
                mu, logvar = self.fc(self.conv(image).flatten(1)).chunk(2, dim=1)
                if self.form == "sigma": return mu, torch.exp(0.5 * logvar)
                if self.form == "sample": return mu, logvar, mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
                return mu, logvar
        class Decoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(L, 8 * 7 * 7)
                self.up = nn.Sequential(nn.ConvTranspose2d(8, 4, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(4, 1, 4, 2, 1), nn.Sigmoid())
            def forward(self, z):
                return self.up(self.fc(z).view(-1, 8, 7, 7))
        forms = {"chunk": ["z_mean", "z_log_var"], "sigma": ["mu", "sigma"], "sample": ["z_mean", "z_log_var", "z"]}
        for form, names in forms.items():
            torch.manual_seed(3)
            encoder, decoder = Encoder(form).eval(), Decoder().eval()
            x = torch.rand(ROWS, 1, 28, 28)
            folder = os.path.join(root, form)
            os.makedirs(folder)
            torch.onnx.export(encoder, x, folder + "/encoder.onnx", input_names=["image"], output_names=names,
                dynamic_axes={n: {0: "batch"} for n in ["image"] + names}, opset_version=17)
            torch.onnx.export(decoder, torch.zeros(ROWS, L), folder + "/decoder.onnx", input_names=["z"], output_names=["recon"],
                dynamic_axes={"z": {0: "batch"}, "recon": {0: "batch"}}, opset_version=17)
            with torch.no_grad():
                out = encoder(x)
                mu = out[0]
                logvar = 2 * torch.log(out[1]) if form == "sigma" else out[1]
                xhat = decoder(mu)
            for name, a in (("x", x), ("mu", mu), ("logvar", logvar), ("xhat", xhat)):
                a.numpy().astype(np.float32).tofile(folder + "/" + name + ".f32")
        """;

    private const string KerasScript = """
        import sys, numpy as np, onnx
        from onnx import helper, TensorProto, numpy_helper
        root, layout, spread = sys.argv[1], sys.argv[2], sys.argv[3]
        rng = np.random.default_rng(11)
        H, W, C, L, HID, ROWS = 8, 8, 3, 4, 16, 5
        dims = [H, W, C] if layout == "nhwc" else [C, H, W]
        D = H * W * C
        def t(name, a): return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
        w1, b1 = rng.normal(0, 0.15, (HID, D)).astype(np.float32), rng.normal(0, 0.1, HID).astype(np.float32)
        wm, bm = rng.normal(0, 0.3, (L, HID)).astype(np.float32), rng.normal(0, 0.1, L).astype(np.float32)
        wv, bv = rng.normal(0, 0.3, (L, HID)).astype(np.float32), rng.normal(0, 0.1, L).astype(np.float32)
        wd, bd = rng.normal(0, 0.4, (D, L)).astype(np.float32), rng.normal(0, 0.1, D).astype(np.float32)
        spread_name = {"logvar": "z_log_var", "var": "z_var", "logstd": "z_log_sigma", "std": "z_sigma"}[spread]
        nodes = [
            helper.make_node("Flatten", ["input_1"], ["flat"], axis=1),
            helper.make_node("Gemm", ["flat", "w1", "b1"], ["h"], transB=1),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("Gemm", ["r", "wm", "bm"], ["z_mean"], transB=1),
            helper.make_node("Gemm", ["r", "wv", "bv"], ["s"], transB=1),
        ]
        # s is the log-variance; the spread output holds it in the form its name says.
        if spread == "logvar": nodes.append(helper.make_node("Identity", ["s"], [spread_name]))
        if spread == "var": nodes.append(helper.make_node("Exp", ["s"], [spread_name]))
        if spread == "logstd": nodes.append(helper.make_node("Mul", ["s", "half"], [spread_name]))
        if spread == "std": nodes += [helper.make_node("Mul", ["s", "half"], ["ls"]), helper.make_node("Exp", ["ls"], [spread_name])]
        nodes += [
            helper.make_node("Mul", ["s", "half"], ["half_s"]), helper.make_node("Exp", ["half_s"], ["sd"]),
            helper.make_node("RandomNormalLike", ["z_mean"], ["eps"]), helper.make_node("Mul", ["sd", "eps"], ["noise"]),
            helper.make_node("Add", ["z_mean", "noise"], ["z"]),
        ]
        def value(name, shape): return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
        enc = helper.make_graph(nodes, "encoder", [value("input_1", ["unk__N"] + dims)],
            [value("z_mean", ["unk__N", L]), value(spread_name, ["unk__N", L]), value("z", ["unk__N", L])],
            [t("w1", w1), t("b1", b1), t("wm", wm), t("bm", bm), t("wv", wv), t("bv", bv), t("half", 0.5)])
        dec = helper.make_graph([
            helper.make_node("Gemm", ["z_sampling", "wd", "bd"], ["o"], transB=1),
            helper.make_node("Sigmoid", ["o"], ["p"]),
            helper.make_node("Reshape", ["p", "shape"], ["decoder_output"])], "decoder",
            [value("z_sampling", ["unk__N", L])], [value("decoder_output", ["unk__N"] + dims)],
            [t("wd", wd), t("bd", bd), numpy_helper.from_array(np.array([-1] + dims, dtype=np.int64), "shape")])
        for g, f in ((enc, "encoder.onnx"), (dec, "decoder.onnx")):
            m = helper.make_model(g, producer_name="tf2onnx", opset_imports=[helper.make_opsetid("", 13)])
            m.ir_version = 7
            onnx.checker.check_model(m, full_check=True)
            onnx.save(m, root + "/" + f)
        # Reference numbers in float32, from images stored channels last as bytes (the IDX file a test writes).
        pixels = rng.integers(0, 256, (ROWS, H, W, C), dtype=np.uint8)
        pixels.tofile(root + "/images-hwc.u8")
        x = pixels.astype(np.float32) / np.float32(255)
        if layout == "nchw": x = x.transpose(0, 3, 1, 2)
        x = np.ascontiguousarray(x).reshape(ROWS, D)
        r = np.maximum(x @ w1.T + b1, 0)
        mu = r @ wm.T + bm
        logvar = r @ wv.T + bv
        xhat = 1 / (1 + np.exp(-(mu @ wd.T + bd)))
        for name, a in (("x", x), ("mu", mu), ("logvar", logvar), ("xhat", xhat)):
            np.asarray(a, dtype=np.float32).tofile(root + "/" + name + ".f32")
        """;
}
