/*
 * model/catalog_data.c -- the service catalog: one row per AWS service an
 * interface endpoint can be created for, with the DNS names its private DNS
 * covers.  Data only; docs/catalog.md gives every row its AWS source.
 * Rows without names use the standard form "<service>.{r}.amazonaws.com".
 */
#include "config.h"

#include "model/catalog_table.h"

#define G CATALOG_GATEWAY
#define X CATALOG_CROSS_REGION
#define R CATALOG_REGIONLESS

/* A service whose private DNS name is the standard form. */
#define STD(svc, flags) {svc, NULL, flags, {{NULL, false}}}

const struct catalog_entry catalog_table[] = {
    /* Names that differ from the service name. */
    {"execute-api", NULL, 0, {{"execute-api.{r}.amazonaws.com", true}}},
    {"ecr.api", "api.ecr", X, {{"api.ecr.{r}.amazonaws.com", false}}},
    {"ecr.dkr", "dkr.ecr", X, {{"dkr.ecr.{r}.amazonaws.com", true}}},
    {"kinesis-streams", "kinesis", 0, {{"kinesis.{r}.amazonaws.com", false}}},
    {"kinesis-firehose", "firehose", X, {{"firehose.{r}.amazonaws.com", false}}},
    {"s3",
     NULL,
     G | X,
     {{"s3.{r}.amazonaws.com", true},
      {"s3-control.{r}.amazonaws.com", true},
      {"s3-accesspoint.{r}.amazonaws.com", true}}},
    {"dynamodb", NULL, G, {{"dynamodb.{r}.amazonaws.com", false}}},
    {"detective", "api.detective", 0, {{"api.detective.{r}.amazonaws.com", false}}},
    {"kendra-ranking", NULL, 0, {{"kendra-ranking.{r}.api.aws", false}}},
    {"eks-auth", NULL, 0, {{"eks-auth.{r}.api.aws", false}}},
    {"sagemaker.api", "api.sagemaker", 0, {{"api.sagemaker.{r}.amazonaws.com", false}}},
    {"sagemaker.runtime", "runtime.sagemaker", 0,
     {{"runtime.sagemaker.{r}.amazonaws.com", false}}},
    {"sagemaker.featurestore-runtime", "featurestore-runtime.sagemaker", 0,
     {{"featurestore-runtime.sagemaker.{r}.amazonaws.com", false}}},
    {"airflow.api", "api.airflow", 0, {{"api.airflow.{r}.amazonaws.com", false}}},
    {"airflow.env", "env.airflow", 0, {{"env.airflow.{r}.amazonaws.com", false}}},
    {"batch", NULL, 0, {{"batch.{r}.amazonaws.com", false}, {"batch.{r}.api.aws", false}}},
    {"sts", NULL, 0, {{"sts.{r}.amazonaws.com", false}}},
    /* Regionless: one endpoint service in us-east-1, a name without a region. */
    {"iam", NULL, R | X, {{"iam.amazonaws.com", false}}},
    {"route53", NULL, R | X, {{"route53.amazonaws.com", false}}},
    /* Cross-region PrivateLink, standard names. */
    STD("kms", X),
    STD("kms-fips", X),
    STD("ecs", X),
    STD("lambda", X),
    STD("kinesisanalytics", X),
    STD("kinesisanalytics-fips", X),
    /* The standard form. */
    STD("access-analyzer", 0),
    STD("acm-pca", 0),
    STD("apigateway", 0),
    STD("appconfig", 0),
    STD("appconfigdata", 0),
    STD("application-autoscaling", 0),
    STD("athena", 0),
    STD("autoscaling", 0),
    STD("backup", 0),
    STD("bedrock", 0),
    STD("bedrock-agent", 0),
    STD("bedrock-agent-runtime", 0),
    STD("bedrock-runtime", 0),
    STD("cassandra", 0),
    STD("cloudformation", 0),
    STD("cloudtrail", 0),
    STD("codebuild", 0),
    STD("codecommit", 0),
    STD("codedeploy", 0),
    STD("codepipeline", 0),
    STD("comprehend", 0),
    STD("config", 0),
    STD("datasync", 0),
    STD("ebs", 0),
    STD("ec2", 0),
    STD("ec2messages", 0),
    STD("ecs-agent", 0),
    STD("ecs-telemetry", 0),
    STD("eks", 0),
    STD("elasticache", 0),
    STD("elasticbeanstalk", 0),
    STD("elasticfilesystem", 0),
    STD("elasticloadbalancing", 0),
    STD("elasticmapreduce", 0),
    STD("email-smtp", 0),
    STD("emr-containers", 0),
    STD("emr-serverless", 0),
    STD("events", 0),
    STD("git-codecommit", 0),
    STD("glue", 0),
    STD("logs", 0),
    STD("monitoring", 0),
    STD("polly", 0),
    STD("rds", 0),
    STD("rds-data", 0),
    STD("redshift", 0),
    STD("redshift-data", 0),
    STD("rekognition", 0),
    STD("secretsmanager", 0),
    STD("securityhub", 0),
    STD("servicecatalog", 0),
    STD("servicediscovery", 0),
    STD("sns", 0),
    STD("sqs", 0),
    STD("ssm", 0),
    STD("ssm-contacts", 0),
    STD("ssm-incidents", 0),
    STD("ssmmessages", 0),
    STD("states", 0),
    STD("storagegateway", 0),
    STD("textract", 0),
    STD("transfer", 0),
    STD("translate", 0),
    STD("xray", 0),
};

const size_t catalog_table_n = sizeof(catalog_table) / sizeof(catalog_table[0]);
