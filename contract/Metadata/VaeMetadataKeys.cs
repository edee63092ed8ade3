namespace VaeOnnx.Contract;

/// <summary>
/// The <c>metadata_props</c> keys VaeOnnx writes into both ONNX graphs of a model pair.
/// They are the file contract between the exporter and every consumer; values are strings, JSON where structured.
/// </summary>
public static class VaeMetadataKeys
{
    /// <summary>Every key starts with this; a graph with any such key claims to be a VaeOnnx graph and must carry the full set.</summary>
    public const string Prefix = "vaeonnx.";

    /// <summary>Version of this key set; consumers refuse a major version they do not know.</summary>
    public const string FormatVersion = "vaeonnx.format_version";

    /// <summary>The format version this code writes and reads.</summary>
    public const string CurrentFormatVersion = "1";

    /// <summary>"encoder" or "decoder".</summary>
    public const string Role = "vaeonnx.role";

    /// <summary>An id shared by the encoder and decoder exported together; a mismatch means a mixed-up pair.</summary>
    public const string PairId = "vaeonnx.pair_id";

    /// <summary>Shape of one input sample before flattening, e.g. "1x28x28" or "12".</summary>
    public const string InputShape = "vaeonnx.input_shape";

    /// <summary>Flattened feature count D.</summary>
    public const string InputDim = "vaeonnx.input_dim";

    /// <summary>JSON array of feature names for tabular data; absent for images.</summary>
    public const string FeatureNames = "vaeonnx.feature_names";

    /// <summary>Latent dimension L.</summary>
    public const string LatentDim = "vaeonnx.latent_dim";

    /// <summary>"bernoulli", "gaussian" or "mixed" (a table model).</summary>
    public const string Likelihood = "vaeonnx.likelihood";

    /// <summary>What the decoder output holds: "probabilities" (Bernoulli, sigmoid applied) or "mean" (Gaussian), in raw feature units.</summary>
    public const string DecoderOutput = "vaeonnx.decoder_output";

    /// <summary>Gaussian decoders: JSON array of the per-feature log-variance of p(x|z), in the scaled space the model was trained in.</summary>
    public const string DecoderLogVar = "vaeonnx.decoder_logvar";

    /// <summary>
    /// JSON object {"kind":"none|minmax|standardize","offset":[..],"scale":[..]}: scaled = (raw - offset) * scale.
    /// The graphs already apply it (encoder input and decoder output are raw units); it is recorded so that
    /// likelihood-based scores can be computed in the space the model was trained in.
    /// </summary>
    public const string Scaling = "vaeonnx.scaling";

    /// <summary>Data set the model was trained on.</summary>
    public const string Dataset = "vaeonnx.dataset";

    /// <summary>Test negative ELBO in nats per sample.</summary>
    public const string TestNegElbo = "vaeonnx.test_neg_elbo";

    /// <summary>Importance-weighted estimate of log p(x) on the test split, nats per sample.</summary>
    public const string IwLogPx = "vaeonnx.iw_log_px";

    /// <summary>JSON of the architecture (kind, hidden sizes, activation, input shape, latent dim).</summary>
    public const string Architecture = "vaeonnx.architecture";

    /// <summary>JSON of the training configuration (optimizer, lr, batch, epochs, beta, warm-up, seed).</summary>
    public const string TrainingConfig = "vaeonnx.training_config";

    /// <summary>
    /// Conditional models, in both graphs: JSON {"input":"c","column":..,"classes":[..]}. The encoder and the decoder each
    /// take a second input of that name, c [N, K], the one-hot condition in the order of "classes".
    /// </summary>
    public const string Condition = "vaeonnx.condition";

    /// <summary>
    /// Posteriors other than the diagonal Gaussian, in both graphs: JSON {"kind":"iaf","flow_steps":S,"eps_input":"eps",
    /// "z_output":"z","log_q_output":"log_q"}. The encoder then takes a second input eps [N, R, L] (R standard normal draws
    /// per row; zeros give the flow of the mean) and has two more outputs: z [N, R, L], the draws of q(z|x) after the flow,
    /// and log_q [N, R], log q(z|x) of each draw. mu and logvar are those of the Gaussian the flow starts from.
    /// </summary>
    public const string Posterior = "vaeonnx.posterior";

    /// <summary>JSON of a <see cref="LatentMixture"/> fitted to the training codes, for sampling (see <see cref="LatentSampler.Gmm"/>).</summary>
    public const string LatentMixture = "vaeonnx.latent_mixture";

    /// <summary>
    /// Table models: JSON of the <see cref="TableSchema"/> (column names, kinds, categories, flag spellings, scaling, missing
    /// rates, the calibrated anomaly threshold). Its presence makes the pair a table pair: the encoder takes one input per
    /// column and the decoder gives one typed output per column besides x_hat.
    /// </summary>
    public const string TableSchema = "vaeonnx.table_schema";

    /// <summary>
    /// The <see cref="Onnx.WeightsDigest"/> of this graph ("sha256:" and 64 hex digits): its initializers, nodes and
    /// opsets as exported. Each graph carries its own; the loader recomputes both and refuses a pair whose files changed.
    /// Exports made before digests have it in neither graph and load with one information note.
    /// </summary>
    public const string WeightsDigest = "vaeonnx.weights_digest";
}
