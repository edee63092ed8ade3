namespace VaeOnnx.Serving.Hosting;

/// <summary>The service's settings, bound from the configuration section <see cref="Section"/> (appsettings.json, environment variables <c>Vae__ModelFolder</c>, the command line).</summary>
public sealed class VaeServingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Vae";

    /// <summary>The model folder served and watched (<c>--model DIR</c> on the command line).</summary>
    public string ModelFolder { get; set; } = "";

    /// <summary>How often the folder is polled for replaced files, in milliseconds.</summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>Overrides (or, for a pair without metadata, supplies) the likelihood of the anomaly score: Bernoulli or Gaussian.</summary>
    public VaeOnnx.Contract.Likelihood? Likelihood { get; set; }

    /// <summary>Most rows one request may carry.</summary>
    public int MaxRowsPerRequest { get; set; } = 100_000;

    /// <summary>Largest request body in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 256L << 20;

    /// <summary>Most draws one /sample request may ask for.</summary>
    public int MaxSampleCount { get; set; } = 10_000;

    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BlockSize { get; set; } = 1024;

    /// <summary>ONNX Runtime intra-op threads (0: one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Cpu or Cuda.</summary>
    public VaeOnnx.Inference.VaeExecutionProvider Provider { get; set; } = VaeOnnx.Inference.VaeExecutionProvider.Cpu;

    /// <summary>CUDA device.</summary>
    public int DeviceId { get; set; }

    /// <summary>False makes a missing GPU fail at start instead of scoring on the CPU.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Whether <c>POST /synthesize</c> answers; false refuses it with 403, since synthetic rows reveal what the model learned.</summary>
    public bool EnableSynthesize { get; set; } = true;

    /// <summary>
    /// API keys: when any is set, every route but /health needs one of them in the <c>X-Api-Key</c> header (401
    /// otherwise); when none is, the service is open (and warns at start unless it listens on loopback only).
    /// </summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>Requests a minute one client (its API key, else its address) may make before a 429; 0 for no limit.</summary>
    public int RateLimitPerMinute { get; set; }

    /// <summary>Write logs as one JSON object per line (structured); false for plain console text.</summary>
    public bool JsonLogs { get; set; } = true;
}
