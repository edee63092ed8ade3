using System.Text.Json;
using VaeOnnx.Contract;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Contract.Onnx.Proto;
using VaeOnnx.Training.Model;
using VaeOnnx.Training.Objective;
using static TorchSharp.torch;

namespace VaeOnnx.Export;

/// <summary>
/// The two graphs of a pair built from a trained model: the encoder with the input scaling in front
/// (<c>(x - offset) * scale</c>, clipped to [0,1] where training clipped), the decoder with the sigmoid of a Bernoulli
/// likelihood and the inverse scaling at the end, both stamped with the pair's <see cref="PairMetadata"/> and each with its
/// own <see cref="WeightsDigest"/>.
/// </summary>
internal static class PairGraphs
{
    /// <summary>The metadata of the pair, as the encoder carries it; the decoder's differs only in its role.</summary>
    public static PairMetadata Metadata(VariationalAutoencoder model, ExportDescription d, string pairId, TableSchema? table = null)
    {
        var arch = model.Architecture;
        return new PairMetadata
        {
            Role = GraphRole.Encoder, PairId = pairId, InputShape = arch.InputShape, LatentDim = arch.LatentDim, Likelihood = arch.Likelihood,
            FeatureNames = d.Dataset.FeatureNames, Scaling = table is null ? d.Scaling : null, Dataset = d.Dataset.Name, Table = table,
            TestNegElbo = d.Evaluation?.TestNegElbo, IwLogPx = d.Evaluation?.IwLogPx,
            ArchitectureJson = JsonSerializer.Serialize(arch), TrainingConfigJson = d.TrainingConfigJson,
            DecoderLogVar = arch.IsBernoulli ? null : DecoderLogVar(model),
            Condition = arch.Condition is { } condition
                ? ConditionInput.Of(condition, table is null ? ConditionInput.DefaultInput : TableGraphNames.ConditionInput(table.Columns.Select(c => c.Name)))
                : null,
            Posterior = arch.HasFlow ? new PosteriorSpec { Kind = arch.Posterior, FlowSteps = arch.FlowSteps } : null,
            LatentMixture = d.LatentMixture,
        };
    }

    public static ModelProto Encoder(VariationalAutoencoder model, ExportDescription d, PairMetadata metadata, string version, out long parameters)
    {
        var arch = model.Architecture;
        var g = new OnnxGraphBuilder("vae_encoder");
        string x = g.AddInput("x", arch.InputDim);
        if (!d.Scaling.IsIdentity)
        {
            x = g.AddNode("Sub", "scale_input.sub", [x, g.AddInitializer("scaling.offset", d.Scaling.Offset, arch.InputDim)]);
            x = g.AddNode("Mul", "scale_input.mul", [x, g.AddInitializer("scaling.scale", d.Scaling.Scale, arch.InputDim)]);
        }
        if (d.Scaling.ClipsToUnitInterval(arch.Likelihood))
        {
            // The trainer clips min-max scaled rows to [0,1] for a Bernoulli decoder (FeatureScaling.ClipsToUnitInterval);
            // raw rows outside the training range must reach the encoder as they did in training. Opset 17's Clip takes its
            // bounds as scalar inputs.
            x = g.AddNode("Clip", "scale_input.clip", [x, g.AddInitializer("scaling.clip_min", [0f]), g.AddInitializer("scaling.clip_max", [1f])]);
        }
        var c = metadata.Condition is { } condition ? g.AddInput(condition.Input, arch.ConditionDim) : null;
        var h = ConditionedBodyGraph.Append(g, model.encoder.body, "encoder.body", x, model.encoder.condition, c);
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.mu, "encoder.mu", h), "mu");
        g.RenameValue(ModuleGraphMapper.Append(g, model.encoder.logvar, "encoder.logvar", h), "logvar");
        g.AddOutput("mu", arch.LatentDim);
        g.AddOutput("logvar", arch.LatentDim);
        if (metadata.Posterior is { } posterior) PosteriorGraph.Append(g, model.flow!, posterior, "mu", "logvar", h, arch.LatentDim);
        parameters = g.ParameterCount;
        var doc = "VaeOnnx encoder: x [N, D] raw features" + (c is null ? "" : $", {c} [N, K] one-hot condition")
            + " -> mu [N, L], logvar [N, L] of q(z|x) = N(mu, diag exp(logvar))"
            + (metadata.Posterior is { } p ? $"; with {p.EpsInput} [N, R, L] standard normal noise, {p.ZOutput} [N, R, L] = IAF flow ({p.FlowSteps} steps) of mu + exp(logvar/2) eps and {p.LogQOutput} [N, R] = log q(z|x)." : ".");
        return Stamped(g.BuildModel(version, 1, doc, (metadata with { Role = GraphRole.Encoder }).ToProperties()));
    }

    public static ModelProto Decoder(VariationalAutoencoder model, ExportDescription d, PairMetadata metadata, string version, out long parameters)
    {
        var arch = model.Architecture;
        var g = new OnnxGraphBuilder("vae_decoder");
        var z = g.AddInput("z", arch.LatentDim);
        var c = metadata.Condition is { } condition ? g.AddInput(condition.Input, arch.ConditionDim) : null;
        var y = ConditionedBodyGraph.Append(g, model.decoder.body, "decoder.body", z, model.decoder.condition, c);
        if (arch.IsBernoulli) y = g.AddNode("Sigmoid", "decoder.probabilities", [y]);
        if (!d.Scaling.IsIdentity)
        {
            y = g.AddNode("Div", "unscale_output.div", [y, g.AddInitializer("scaling.scale", d.Scaling.Scale, arch.InputDim)]);
            y = g.AddNode("Add", "unscale_output.add", [y, g.AddInitializer("scaling.offset", d.Scaling.Offset, arch.InputDim)]);
        }
        g.RenameValue(y, "x_hat");
        g.AddOutput("x_hat", arch.InputDim);
        parameters = g.ParameterCount;
        var doc = arch.IsBernoulli
            ? "VaeOnnx decoder: z [N, L] -> x_hat [N, D], the Bernoulli probabilities of p(x|z) in raw feature units."
            : "VaeOnnx decoder: z [N, L] -> x_hat [N, D], the mean of the Gaussian p(x|z) in raw units; its per-feature log-variance (scaled space) is in metadata vaeonnx.decoder_logvar.";
        return Stamped(g.BuildModel(version, 1, doc, (metadata with { Role = GraphRole.Decoder }).ToProperties()));
    }

    /// <summary>The graph with its own weights digest added to its metadata (last: the digest does not cover metadata).</summary>
    private static ModelProto Stamped(ModelProto model)
    {
        WeightsDigest.Stamp(model);
        return model;
    }

    /// <summary>
    /// The per-feature log-variance the Gaussian likelihood uses, as written to metadata: the parameter floored exactly as
    /// the loss floors it (<see cref="ElboLoss.EffectiveDecoderLogVar"/>), so scoring and training agree.
    /// </summary>
    public static float[] DecoderLogVar(VariationalAutoencoder model)
    {
        // detach, clamp and contiguous each make a tensor: the scope frees all of them.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ElboLoss.EffectiveDecoderLogVar(model.decoder_logvar.detach()).contiguous().data<float>().ToArray();
    }
}
