using VaeOnnx.Serving.Hosting;

VaeServingApp.Build(args).Run();

/// <summary>The entry point, public so that tests can host the service in memory (WebApplicationFactory).</summary>
public partial class Program;
