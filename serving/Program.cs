using VaeOnnx.Serving.Hosting;

return VaeServingApp.Run(args);

/// <summary>The entry point, public so that tests can host the service in memory (WebApplicationFactory).</summary>
public partial class Program;
